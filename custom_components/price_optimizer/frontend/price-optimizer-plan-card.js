var Le=Object.defineProperty;var ze=(o,t,e)=>t in o?Le(o,t,{enumerable:!0,configurable:!0,writable:!0,value:e}):o[t]=e;var w=(o,t,e)=>ze(o,typeof t!="symbol"?t+"":t,e);var ft=globalThis,_t=ft.ShadowRoot&&(ft.ShadyCSS===void 0||ft.ShadyCSS.nativeShadow)&&"adoptedStyleSheets"in Document.prototype&&"replace"in CSSStyleSheet.prototype,kt=Symbol(),qt=new WeakMap,Q=class{constructor(t,e,s){if(this._$cssResult$=!0,s!==kt)throw Error("CSSResult is not constructable. Use `unsafeCSS` or `css` instead.");this.cssText=t,this.t=e}get styleSheet(){let t=this.o,e=this.t;if(_t&&t===void 0){let s=e!==void 0&&e.length===1;s&&(t=qt.get(e)),t===void 0&&((this.o=t=new CSSStyleSheet).replaceSync(this.cssText),s&&qt.set(e,t))}return t}toString(){return this.cssText}},Yt=o=>new Q(typeof o=="string"?o:o+"",void 0,kt),tt=(o,...t)=>{let e=o.length===1?o[0]:t.reduce((s,n,r)=>s+(i=>{if(i._$cssResult$===!0)return i.cssText;if(typeof i=="number")return i;throw Error("Value passed to 'css' function must be a 'css' function result: "+i+". Use 'unsafeCSS' to pass non-literal values, but take care to ensure page security.")})(n)+o[r+1],o[0]);return new Q(e,o,kt)},Jt=(o,t)=>{if(_t)o.adoptedStyleSheets=t.map(e=>e instanceof CSSStyleSheet?e:e.styleSheet);else for(let e of t){let s=document.createElement("style"),n=ft.litNonce;n!==void 0&&s.setAttribute("nonce",n),s.textContent=e.cssText,o.appendChild(s)}},Et=_t?o=>o:o=>o instanceof CSSStyleSheet?(t=>{let e="";for(let s of t.cssRules)e+=s.cssText;return Yt(e)})(o):o;var{is:Be,defineProperty:Fe,getOwnPropertyDescriptor:je,getOwnPropertyNames:Ve,getOwnPropertySymbols:We,getPrototypeOf:Ge}=Object,mt=globalThis,Xt=mt.trustedTypes,Ke=Xt?Xt.emptyScript:"",Ze=mt.reactiveElementPolyfillSupport,et=(o,t)=>o,Tt={toAttribute(o,t){switch(t){case Boolean:o=o?Ke:null;break;case Object:case Array:o=o==null?o:JSON.stringify(o)}return o},fromAttribute(o,t){let e=o;switch(t){case Boolean:e=o!==null;break;case Number:e=o===null?null:Number(o);break;case Object:case Array:try{e=JSON.parse(o)}catch{e=null}}return e}},te=(o,t)=>!Be(o,t),Qt={attribute:!0,type:String,converter:Tt,reflect:!1,useDefault:!1,hasChanged:te};Symbol.metadata??=Symbol("metadata"),mt.litPropertyMetadata??=new WeakMap;var T=class extends HTMLElement{static addInitializer(t){this._$Ei(),(this.l??=[]).push(t)}static get observedAttributes(){return this.finalize(),this._$Eh&&[...this._$Eh.keys()]}static createProperty(t,e=Qt){if(e.state&&(e.attribute=!1),this._$Ei(),this.prototype.hasOwnProperty(t)&&((e=Object.create(e)).wrapped=!0),this.elementProperties.set(t,e),!e.noAccessor){let s=Symbol(),n=this.getPropertyDescriptor(t,s,e);n!==void 0&&Fe(this.prototype,t,n)}}static getPropertyDescriptor(t,e,s){let{get:n,set:r}=je(this.prototype,t)??{get(){return this[e]},set(i){this[e]=i}};return{get:n,set(i){let c=n?.call(this);r?.call(this,i),this.requestUpdate(t,c,s)},configurable:!0,enumerable:!0}}static getPropertyOptions(t){return this.elementProperties.get(t)??Qt}static _$Ei(){if(this.hasOwnProperty(et("elementProperties")))return;let t=Ge(this);t.finalize(),t.l!==void 0&&(this.l=[...t.l]),this.elementProperties=new Map(t.elementProperties)}static finalize(){if(this.hasOwnProperty(et("finalized")))return;if(this.finalized=!0,this._$Ei(),this.hasOwnProperty(et("properties"))){let e=this.properties,s=[...Ve(e),...We(e)];for(let n of s)this.createProperty(n,e[n])}let t=this[Symbol.metadata];if(t!==null){let e=litPropertyMetadata.get(t);if(e!==void 0)for(let[s,n]of e)this.elementProperties.set(s,n)}this._$Eh=new Map;for(let[e,s]of this.elementProperties){let n=this._$Eu(e,s);n!==void 0&&this._$Eh.set(n,e)}this.elementStyles=this.finalizeStyles(this.styles)}static finalizeStyles(t){let e=[];if(Array.isArray(t)){let s=new Set(t.flat(1/0).reverse());for(let n of s)e.unshift(Et(n))}else t!==void 0&&e.push(Et(t));return e}static _$Eu(t,e){let s=e.attribute;return s===!1?void 0:typeof s=="string"?s:typeof t=="string"?t.toLowerCase():void 0}constructor(){super(),this._$Ep=void 0,this.isUpdatePending=!1,this.hasUpdated=!1,this._$Em=null,this._$Ev()}_$Ev(){this._$ES=new Promise(t=>this.enableUpdating=t),this._$AL=new Map,this._$E_(),this.requestUpdate(),this.constructor.l?.forEach(t=>t(this))}addController(t){(this._$EO??=new Set).add(t),this.renderRoot!==void 0&&this.isConnected&&t.hostConnected?.()}removeController(t){this._$EO?.delete(t)}_$E_(){let t=new Map,e=this.constructor.elementProperties;for(let s of e.keys())this.hasOwnProperty(s)&&(t.set(s,this[s]),delete this[s]);t.size>0&&(this._$Ep=t)}createRenderRoot(){let t=this.shadowRoot??this.attachShadow(this.constructor.shadowRootOptions);return Jt(t,this.constructor.elementStyles),t}connectedCallback(){this.renderRoot??=this.createRenderRoot(),this.enableUpdating(!0),this._$EO?.forEach(t=>t.hostConnected?.())}enableUpdating(t){}disconnectedCallback(){this._$EO?.forEach(t=>t.hostDisconnected?.())}attributeChangedCallback(t,e,s){this._$AK(t,s)}_$ET(t,e){let s=this.constructor.elementProperties.get(t),n=this.constructor._$Eu(t,s);if(n!==void 0&&s.reflect===!0){let r=(s.converter?.toAttribute!==void 0?s.converter:Tt).toAttribute(e,s.type);this._$Em=t,r==null?this.removeAttribute(n):this.setAttribute(n,r),this._$Em=null}}_$AK(t,e){let s=this.constructor,n=s._$Eh.get(t);if(n!==void 0&&this._$Em!==n){let r=s.getPropertyOptions(n),i=typeof r.converter=="function"?{fromAttribute:r.converter}:r.converter?.fromAttribute!==void 0?r.converter:Tt;this._$Em=n;let c=i.fromAttribute(e,r.type);this[n]=c??this._$Ej?.get(n)??c,this._$Em=null}}requestUpdate(t,e,s,n=!1,r){if(t!==void 0){let i=this.constructor;if(n===!1&&(r=this[t]),s??=i.getPropertyOptions(t),!((s.hasChanged??te)(r,e)||s.useDefault&&s.reflect&&r===this._$Ej?.get(t)&&!this.hasAttribute(i._$Eu(t,s))))return;this.C(t,e,s)}this.isUpdatePending===!1&&(this._$ES=this._$EP())}C(t,e,{useDefault:s,reflect:n,wrapped:r},i){s&&!(this._$Ej??=new Map).has(t)&&(this._$Ej.set(t,i??e??this[t]),r!==!0||i!==void 0)||(this._$AL.has(t)||(this.hasUpdated||s||(e=void 0),this._$AL.set(t,e)),n===!0&&this._$Em!==t&&(this._$Eq??=new Set).add(t))}async _$EP(){this.isUpdatePending=!0;try{await this._$ES}catch(e){Promise.reject(e)}let t=this.scheduleUpdate();return t!=null&&await t,!this.isUpdatePending}scheduleUpdate(){return this.performUpdate()}performUpdate(){if(!this.isUpdatePending)return;if(!this.hasUpdated){if(this.renderRoot??=this.createRenderRoot(),this._$Ep){for(let[n,r]of this._$Ep)this[n]=r;this._$Ep=void 0}let s=this.constructor.elementProperties;if(s.size>0)for(let[n,r]of s){let{wrapped:i}=r,c=this[n];i!==!0||this._$AL.has(n)||c===void 0||this.C(n,void 0,r,c)}}let t=!1,e=this._$AL;try{t=this.shouldUpdate(e),t?(this.willUpdate(e),this._$EO?.forEach(s=>s.hostUpdate?.()),this.update(e)):this._$EM()}catch(s){throw t=!1,this._$EM(),s}t&&this._$AE(e)}willUpdate(t){}_$AE(t){this._$EO?.forEach(e=>e.hostUpdated?.()),this.hasUpdated||(this.hasUpdated=!0,this.firstUpdated(t)),this.updated(t)}_$EM(){this._$AL=new Map,this.isUpdatePending=!1}get updateComplete(){return this.getUpdateComplete()}getUpdateComplete(){return this._$ES}shouldUpdate(t){return!0}update(t){this._$Eq&&=this._$Eq.forEach(e=>this._$ET(e,this[e])),this._$EM()}updated(t){}firstUpdated(t){}};T.elementStyles=[],T.shadowRootOptions={mode:"open"},T[et("elementProperties")]=new Map,T[et("finalized")]=new Map,Ze?.({ReactiveElement:T}),(mt.reactiveElementVersions??=[]).push("2.1.2");var Dt=globalThis,ee=o=>o,gt=Dt.trustedTypes,se=gt?gt.createPolicy("lit-html",{createHTML:o=>o}):void 0,ce="$lit$",H=`lit$${Math.random().toFixed(9).slice(2)}$`,le="?"+H,qe=`<${le}>`,I=document,nt=()=>I.createComment(""),ot=o=>o===null||typeof o!="object"&&typeof o!="function",Pt=Array.isArray,Ye=o=>Pt(o)||typeof o?.[Symbol.iterator]=="function",Ct=`[ 	
\f\r]`,st=/<(?:(!--|\/[^a-zA-Z])|(\/?[a-zA-Z][^>\s]*)|(\/?$))/g,ne=/-->/g,oe=/>/g,P=RegExp(`>|${Ct}(?:([^\\s"'>=/]+)(${Ct}*=${Ct}*(?:[^ 	
\f\r"'\`<>=]|("|')|))|$)`,"g"),re=/'/g,ie=/"/g,he=/^(?:script|style|textarea|title)$/i,Ut=o=>(t,...e)=>({_$litType$:o,strings:t,values:e}),f=Ut(1),x=Ut(2),ws=Ut(3),L=Symbol.for("lit-noChange"),d=Symbol.for("lit-nothing"),ae=new WeakMap,U=I.createTreeWalker(I,129);function de(o,t){if(!Pt(o)||!o.hasOwnProperty("raw"))throw Error("invalid template strings array");return se!==void 0?se.createHTML(t):t}var Je=(o,t)=>{let e=o.length-1,s=[],n,r=t===2?"<svg>":t===3?"<math>":"",i=st;for(let c=0;c<e;c++){let a=o[c],h,l,p=-1,$=0;for(;$<a.length&&(i.lastIndex=$,l=i.exec(a),l!==null);)$=i.lastIndex,i===st?l[1]==="!--"?i=ne:l[1]!==void 0?i=oe:l[2]!==void 0?(he.test(l[2])&&(n=RegExp("</"+l[2],"g")),i=P):l[3]!==void 0&&(i=P):i===P?l[0]===">"?(i=n??st,p=-1):l[1]===void 0?p=-2:(p=i.lastIndex-l[2].length,h=l[1],i=l[3]===void 0?P:l[3]==='"'?ie:re):i===ie||i===re?i=P:i===ne||i===oe?i=st:(i=P,n=void 0);let _=i===P&&o[c+1].startsWith("/>")?" ":"";r+=i===st?a+qe:p>=0?(s.push(h),a.slice(0,p)+ce+a.slice(p)+H+_):a+H+(p===-2?c:_)}return[de(o,r+(o[e]||"<?>")+(t===2?"</svg>":t===3?"</math>":"")),s]},rt=class o{constructor({strings:t,_$litType$:e},s){let n;this.parts=[];let r=0,i=0,c=t.length-1,a=this.parts,[h,l]=Je(t,e);if(this.el=o.createElement(h,s),U.currentNode=this.el.content,e===2||e===3){let p=this.el.content.firstChild;p.replaceWith(...p.childNodes)}for(;(n=U.nextNode())!==null&&a.length<c;){if(n.nodeType===1){if(n.hasAttributes())for(let p of n.getAttributeNames())if(p.endsWith(ce)){let $=l[i++],_=n.getAttribute(p).split(H),b=/([.?@])?(.*)/.exec($);a.push({type:1,index:r,name:b[2],strings:_,ctor:b[1]==="."?Ot:b[1]==="?"?Ht:b[1]==="@"?Rt:W}),n.removeAttribute(p)}else p.startsWith(H)&&(a.push({type:6,index:r}),n.removeAttribute(p));if(he.test(n.tagName)){let p=n.textContent.split(H),$=p.length-1;if($>0){n.textContent=gt?gt.emptyScript:"";for(let _=0;_<$;_++)n.append(p[_],nt()),U.nextNode(),a.push({type:2,index:++r});n.append(p[$],nt())}}}else if(n.nodeType===8)if(n.data===le)a.push({type:2,index:r});else{let p=-1;for(;(p=n.data.indexOf(H,p+1))!==-1;)a.push({type:7,index:r}),p+=H.length-1}r++}}static createElement(t,e){let s=I.createElement("template");return s.innerHTML=t,s}};function V(o,t,e=o,s){if(t===L)return t;let n=s!==void 0?e._$Co?.[s]:e._$Cl,r=ot(t)?void 0:t._$litDirective$;return n?.constructor!==r&&(n?._$AO?.(!1),r===void 0?n=void 0:(n=new r(o),n._$AT(o,e,s)),s!==void 0?(e._$Co??=[])[s]=n:e._$Cl=n),n!==void 0&&(t=V(o,n._$AS(o,t.values),n,s)),t}var Mt=class{constructor(t,e){this._$AV=[],this._$AN=void 0,this._$AD=t,this._$AM=e}get parentNode(){return this._$AM.parentNode}get _$AU(){return this._$AM._$AU}u(t){let{el:{content:e},parts:s}=this._$AD,n=(t?.creationScope??I).importNode(e,!0);U.currentNode=n;let r=U.nextNode(),i=0,c=0,a=s[0];for(;a!==void 0;){if(i===a.index){let h;a.type===2?h=new it(r,r.nextSibling,this,t):a.type===1?h=new a.ctor(r,a.name,a.strings,this,t):a.type===6&&(h=new Nt(r,this,t)),this._$AV.push(h),a=s[++c]}i!==a?.index&&(r=U.nextNode(),i++)}return U.currentNode=I,n}p(t){let e=0;for(let s of this._$AV)s!==void 0&&(s.strings!==void 0?(s._$AI(t,s,e),e+=s.strings.length-2):s._$AI(t[e])),e++}},it=class o{get _$AU(){return this._$AM?._$AU??this._$Cv}constructor(t,e,s,n){this.type=2,this._$AH=d,this._$AN=void 0,this._$AA=t,this._$AB=e,this._$AM=s,this.options=n,this._$Cv=n?.isConnected??!0}get parentNode(){let t=this._$AA.parentNode,e=this._$AM;return e!==void 0&&t?.nodeType===11&&(t=e.parentNode),t}get startNode(){return this._$AA}get endNode(){return this._$AB}_$AI(t,e=this){t=V(this,t,e),ot(t)?t===d||t==null||t===""?(this._$AH!==d&&this._$AR(),this._$AH=d):t!==this._$AH&&t!==L&&this._(t):t._$litType$!==void 0?this.$(t):t.nodeType!==void 0?this.T(t):Ye(t)?this.k(t):this._(t)}O(t){return this._$AA.parentNode.insertBefore(t,this._$AB)}T(t){this._$AH!==t&&(this._$AR(),this._$AH=this.O(t))}_(t){this._$AH!==d&&ot(this._$AH)?this._$AA.nextSibling.data=t:this.T(I.createTextNode(t)),this._$AH=t}$(t){let{values:e,_$litType$:s}=t,n=typeof s=="number"?this._$AC(t):(s.el===void 0&&(s.el=rt.createElement(de(s.h,s.h[0]),this.options)),s);if(this._$AH?._$AD===n)this._$AH.p(e);else{let r=new Mt(n,this),i=r.u(this.options);r.p(e),this.T(i),this._$AH=r}}_$AC(t){let e=ae.get(t.strings);return e===void 0&&ae.set(t.strings,e=new rt(t)),e}k(t){Pt(this._$AH)||(this._$AH=[],this._$AR());let e=this._$AH,s,n=0;for(let r of t)n===e.length?e.push(s=new o(this.O(nt()),this.O(nt()),this,this.options)):s=e[n],s._$AI(r),n++;n<e.length&&(this._$AR(s&&s._$AB.nextSibling,n),e.length=n)}_$AR(t=this._$AA.nextSibling,e){for(this._$AP?.(!1,!0,e);t!==this._$AB;){let s=ee(t).nextSibling;ee(t).remove(),t=s}}setConnected(t){this._$AM===void 0&&(this._$Cv=t,this._$AP?.(t))}},W=class{get tagName(){return this.element.tagName}get _$AU(){return this._$AM._$AU}constructor(t,e,s,n,r){this.type=1,this._$AH=d,this._$AN=void 0,this.element=t,this.name=e,this._$AM=n,this.options=r,s.length>2||s[0]!==""||s[1]!==""?(this._$AH=Array(s.length-1).fill(new String),this.strings=s):this._$AH=d}_$AI(t,e=this,s,n){let r=this.strings,i=!1;if(r===void 0)t=V(this,t,e,0),i=!ot(t)||t!==this._$AH&&t!==L,i&&(this._$AH=t);else{let c=t,a,h;for(t=r[0],a=0;a<r.length-1;a++)h=V(this,c[s+a],e,a),h===L&&(h=this._$AH[a]),i||=!ot(h)||h!==this._$AH[a],h===d?t=d:t!==d&&(t+=(h??"")+r[a+1]),this._$AH[a]=h}i&&!n&&this.j(t)}j(t){t===d?this.element.removeAttribute(this.name):this.element.setAttribute(this.name,t??"")}},Ot=class extends W{constructor(){super(...arguments),this.type=3}j(t){this.element[this.name]=t===d?void 0:t}},Ht=class extends W{constructor(){super(...arguments),this.type=4}j(t){this.element.toggleAttribute(this.name,!!t&&t!==d)}},Rt=class extends W{constructor(t,e,s,n,r){super(t,e,s,n,r),this.type=5}_$AI(t,e=this){if((t=V(this,t,e,0)??d)===L)return;let s=this._$AH,n=t===d&&s!==d||t.capture!==s.capture||t.once!==s.once||t.passive!==s.passive,r=t!==d&&(s===d||n);n&&this.element.removeEventListener(this.name,this,s),r&&this.element.addEventListener(this.name,this,t),this._$AH=t}handleEvent(t){typeof this._$AH=="function"?this._$AH.call(this.options?.host??this.element,t):this._$AH.handleEvent(t)}},Nt=class{constructor(t,e,s){this.element=t,this.type=6,this._$AN=void 0,this._$AM=e,this.options=s}get _$AU(){return this._$AM._$AU}_$AI(t){V(this,t)}};var Xe=Dt.litHtmlPolyfillSupport;Xe?.(rt,it),(Dt.litHtmlVersions??=[]).push("3.3.3");var pe=(o,t,e)=>{let s=e?.renderBefore??t,n=s._$litPart$;if(n===void 0){let r=e?.renderBefore??null;s._$litPart$=n=new it(t.insertBefore(nt(),r),r,void 0,e??{})}return n._$AI(o),n};var It=globalThis,S=class extends T{constructor(){super(...arguments),this.renderOptions={host:this},this._$Do=void 0}createRenderRoot(){let t=super.createRenderRoot();return this.renderOptions.renderBefore??=t.firstChild,t}update(t){let e=this.render();this.hasUpdated||(this.renderOptions.isConnected=this.isConnected),super.update(t),this._$Do=pe(e,this.renderRoot,this.renderOptions)}connectedCallback(){super.connectedCallback(),this._$Do?.setConnected(!0)}disconnectedCallback(){super.disconnectedCallback(),this._$Do?.setConnected(!1)}render(){return L}};S._$litElement$=!0,S.finalized=!0,It.litElementHydrateSupport?.({LitElement:S});var Qe=It.litElementPolyfillSupport;Qe?.({LitElement:S});(It.litElementVersions??=[]).push("4.2.2");function Lt(o){return o?.locale?.time_zone==="server"&&o.config?.time_zone?o.config.time_zone:Intl.DateTimeFormat().resolvedOptions().timeZone}function A(o){return o?.locale?.language||o?.language||"en"}function zt(o,t){let e=new Intl.DateTimeFormat("en-US",{timeZone:o,hourCycle:"h23",year:"numeric",month:"2-digit",day:"2-digit",hour:"2-digit",minute:"2-digit",second:"2-digit"}).formatToParts(new Date(t)),s=r=>Number(e.find(i=>i.type===r).value),n=Date.UTC(s("year"),s("month")-1,s("day"),s("hour"),s("minute"),s("second"));return Math.round((n-Math.floor(t/1e3)*1e3)/6e4)}function at(o){let t=o?.locale?.time_format,e={language:A(o),timeZone:Lt(o)};return(t==="12"||t==="24")&&(e.hour12=t==="12"),e}function k(o,t){return new Intl.DateTimeFormat(t.language,{hour:"2-digit",minute:"2-digit",timeZone:t.timeZone,hour12:t.hour12}).format(new Date(o))}function Bt(o,t){return(o+zt(t,o)*6e4)%864e5===0}function ue(o,t){return new Intl.DateTimeFormat(t.language,{weekday:"short",timeZone:t.timeZone}).format(new Date(o))}function C(o,t){return new Intl.DateTimeFormat(t.language,{weekday:"short",hour:"2-digit",minute:"2-digit",timeZone:t.timeZone,hour12:t.hour12}).format(new Date(o))}function z(o,t,e,s=2){if(typeof o!="number")return"–";try{return new Intl.NumberFormat(e,{style:"currency",currency:t,minimumFractionDigits:s,maximumFractionDigits:s}).format(o)}catch{return`${o.toFixed(s)} ${t}`}}function v(o,t,e=2){return typeof o!="number"?"–":new Intl.NumberFormat(t,{maximumFractionDigits:e}).format(o)}function u(o){return o==null?Number.NaN:Date.parse(o)}function fe(o,t,e,s){let n=Math.max(t-o,1),r=i=>{let c=e+(i-o)/n*(s-e);return Math.min(Math.max(c,e),s)};return r.start=o,r.end=t,r.x0=e,r.x1=s,r}function ct(o,t,e,s){let n=t-o||1;return r=>s-(r-o)/n*(s-e)}function _e(o){let t=1/0,e=-1/0;for(let n of o)for(let r of[n.price,n.lower,n.upper])typeof r=="number"&&Number.isFinite(r)&&(t=Math.min(t,r),e=Math.max(e,r));if(t===1/0)return{min:0,max:1};if(t<0&&(e=Math.max(e,0)),t===e)return{min:t-.01,max:e+.01};let s=(e-t)*.05;return{min:t-s,max:e+s}}function me(o,t,e){let s=o.map(c=>u(c.start)).filter(Number.isFinite),n=o.map(c=>u(c.end)).filter(Number.isFinite),r=s.length?Math.min(...s):t,i=n.length?Math.max(...n):t+e*36e5;return{start:r,end:Math.max(i,r+36e5)}}function ge(o){let t=[];for(let e of o){let s=e.origin==="forecast"?"forecast":"market",n=t[t.length-1];n&&n.origin===s&&n.slots[n.slots.length-1].end===e.start?n.slots.push(e):t.push({origin:s,slots:[e]})}return t}function m(o){return Math.round(o*10)/10}function $e(o,t,e,s="price"){let n="",r=null;for(let i of o){let c=i[s];if(typeof c!="number"){r=null;continue}let a=m(t(u(i.start))),h=m(t(u(i.end))),l=m(e(c));n+=r===i.start?`V${l}H${h}`:`M${a} ${l}H${h}`,r=i.end}return n}function ye(o,t,e){let s=[],n=[],r=()=>{if(!n.length)return;let i="";n.forEach((c,a)=>{let h=m(t(u(c.start))),l=m(t(u(c.end))),p=m(e(c.upper));i+=a===0?`M${h} ${p}H${l}`:`V${p}H${l}`});for(let c=n.length-1;c>=0;c-=1){let a=n[c];i+=`V${m(e(a.lower))}H${m(t(u(a.start)))}`}s.push(`${i}Z`),n=[]};for(let i of o){let c=typeof i.lower=="number"&&typeof i.upper=="number",a=n.length&&n[n.length-1].end===i.start;(!c||n.length&&!a)&&r(),c&&n.push(i)}return r(),s.join("")}function xe(o){if(!o)return[];let t=new Map;for(let e of o.appliances??[])t.set(e.appliance_id,{applianceId:e.appliance_id,name:e.name,status:e.status,appliance:e,runs:[],blocked:[]});for(let e of o.plans??[]){let s=t.get(e.appliance_id);s||(s={applianceId:e.appliance_id,name:e.name,status:e.status,appliance:null,runs:[],blocked:[]},t.set(e.appliance_id,s));for(let n of e.runs??[])s.runs.push({...n,status:e.status,occurrence:e});e.issue&&!(e.runs??[]).length&&s.blocked.push(e)}for(let e of t.values())e.runs.sort((s,n)=>u(s.start)-u(n.start));return[...t.values()]}function we(o,t){let e=u(o.start),s=u(o.end);if(!(s>t.start&&e<t.end))return null;let n=t(e),r=t(s);return{x:n,width:Math.max(r-n,2)}}function be(o){let t=new Map;for(let r of o??[])for(let i of r.runs??[]){let c=u(i.start),a=u(i.end),h=Number(i.power_kw)||0;!(a>c)||h===0||(t.set(c,(t.get(c)??0)+h),t.set(a,(t.get(a)??0)-h))}let e=[...t.keys()].sort((r,i)=>r-i),s=[],n=0;for(let r=0;r<e.length-1;r+=1)n+=t.get(e[r]),n=Math.round(n*1e6)/1e6,n>0&&s.push({start:e[r],end:e[r+1],kw:n});return s}function ve(o,t,e){let s="";for(let n of o){let r=m(t(n.start)),i=m(t(n.end));s+=`M${r} ${m(e(0))}V${m(e(n.kw))}H${i}V${m(e(0))}Z`}return s}function Se(o,t,e,s=0){let n=(t-o)/36e5,c=([1,2,3,4,6,12,24].find(p=>n/p<=e)??24)*36e5,a=s*6e4,h=Math.ceil((o+a)/c)*c-a,l=[];for(;h<=t;h+=c)l.push(h);return l}function Ae(o){let t=o?.energy;if(!t||!Array.isArray(t.slots)||!t.slots.length)return null;let e=t.battery_capacity_kwh,s=t.slots.some(r=>typeof r.stored_kwh=="number"),n=[];for(let r of t.slots){let i=u(r.start),c=u(r.end);if(!(c>i))continue;let a=(c-i)/36e5,h=r.stored_kwh;n.push({start:i,end:c,slot:r,solarKw:typeof r.solar_kwh=="number"?r.solar_kwh/a:null,batteryKw:typeof r.battery_kw=="number"&&typeof h=="number"?r.battery_kw:null,socPercent:typeof h=="number"&&e>0?h/e*100:null})}return{slots:n,hasSolar:Number(t.solar_slots_known)>0,hasBattery:s,hasSoc:s&&e>0}}function Ft(o,t,e,s){let n="";for(let r of o){let i=r[t];if(typeof i!="number"||i===0||!(r.end>e.start&&r.start<e.end))continue;let c=m(e(r.start)),a=m(e(r.end));n+=`M${c} ${m(s(0))}V${m(s(i))}H${a}V${m(s(0))}Z`}return n}function ke(o,t,e){let s="",n=!1;for(let r of o){let i=r.socPercent;if(typeof i!="number"||r.end<t.start||r.end>t.end){n=!1;continue}s+=`${n?"L":"M"}${m(t(r.end))} ${m(e(i))}`,n=!0}return s}var $t={en:{title:"Price plan",market:"Market price",forecast:"Forecast",band:"Forecast band",now:"Now",load:"Planned load",limit:"Household limit",limit_value:"Limit {kw} kW",solar:"Expected solar",battery_power:"Battery power",state_of_charge:"State of charge",balance:"Energy balance",grid_import:"From the grid",grid_export:"To the grid",solar_energy:"Solar",stored:"Stored",battery_mode:"Battery","mode.charge_grid":"Charging from the grid","mode.charge_solar":"Charging from part of the solar surplus","mode.discharge":"Discharging by the plan","mode.hold":"Holding its charge","mode.self_consumption":"Self-consumption",start:"Start",end:"End",cost:"Cost",savings:"Savings",baseline:"Running at once",energy:"Energy",power:"Power",status:"Status",reason:"Reason",due:"Due",window_start:"Window opens",close:"Close",loading:"Loading the plan…",no_entry:"No Price Optimizer entry is loaded.",no_plan:"No plan yet: {error}",no_runs:"Nothing planned",blocked:"Not planned","status.scheduled":"Scheduled","status.running":"Running","status.blocked":"Blocked","status.idle":"Idle","status.done":"Done","editor.config_entry":"Price Optimizer entry (empty: the only one)","editor.title":"Title","editor.hours_ahead":"Hours ahead","editor.show_forecast":"Show forecast prices and band","editor.show_load":"Show planned load and household limit","editor.show_appliances":"Show appliance runs","editor.show_energy":"Show expected solar, battery power and state of charge","editor.entry":"Price Optimizer entry (empty: every entry)","household.title":"Appliances","household.next_run":"Next run","household.planned_cost":"Planned cost","household.expected_savings":"Expected savings","household.realised_savings":"Saved so far","household.automatic_control":"Automatic control","household.none":"No appliances yet: add one with the entry's Add appliance.","unit.kw":"{value} kW","unit.kwh":"{value} kWh","unit.percent":"{value} %"}};function G(o,t,e={}){return(($t[o]??$t[String(o).split("-")[0]]??$t.en)[t]??$t.en[t]??t).replace(/\{(\w+)\}/g,(r,i)=>i in e?String(e[i]):r)}var lt="price_optimizer",B="price-optimizer-plan-card",Vt={hours_ahead:36,show_forecast:!0,show_load:!0,show_appliances:!0,show_energy:!0},ts=`${B}:connected`,es=`${B}:first-render`,ss=130,ns=22,jt=36,Ee=64,Te=56,Ce=44,g=44,R=8,Me=8,os=400,rs=15*6e4,is=6e4;async function Oe(o,t,e){return(await o.callWS({type:"call_service",domain:lt,service:t,service_data:e,return_response:!0})).response}async function He(o){return(await o.callWS({type:"config_entries/get",domain:lt})).filter(e=>e.state==="loaded")}function as(o,t){if(!o?.states)return"";let e=o.devices??{},s=[];for(let n of Object.values(o.entities??{})){if(n.platform!==lt)continue;let r=e[n.device_id];if(t&&r&&!(r.config_entries??[]).includes(t))continue;let i=o.states[n.entity_id];i&&s.push(`${n.entity_id}=${i.last_updated}`)}return s.sort().join("|")}var N=class N extends S{static getConfigElement(){return document.createElement(`${B}-editor`)}static async getStubConfig(t){try{let[e]=await He(t);return e?{config_entry:e.entry_id}:{}}catch{return{}}}constructor(){super(),this._width=600,this._now=Date.now(),this._signature=null,this._entryId=null}setConfig(t){if(!t||typeof t!="object")throw new Error("Invalid configuration");this._config={...Vt,...t},this._signature=null,this._plan=void 0,this._forecast=void 0}getCardSize(){return 6}getGridOptions(){return{columns:12,min_columns:6,rows:"auto"}}connectedCallback(){super.connectedCallback(),N._connectedMarked||(N._connectedMarked=!0,globalThis.performance?.mark?.(ts)),this._clock=setInterval(()=>{this._now=Date.now()},is),this._poll=setInterval(()=>this._refresh(),rs),this._resize=new ResizeObserver(t=>{let e=Math.round(t[0].contentRect.width)-16;e>0&&Math.abs(e-this._width)>=4&&(this._width=e)}),this._resize.observe(this)}disconnectedCallback(){super.disconnectedCallback(),clearInterval(this._clock),clearInterval(this._poll),clearTimeout(this._debounce),this._resize?.disconnect(),this._resize=null}_t(t,e){return G(A(this.hass),t,e)}updated(t){if(t.has("hass")&&this.hass&&this._config){let e=as(this.hass,this._config.config_entry??this._entryId);if(e!==this._signature){let s=this._signature===null;this._signature=e,clearTimeout(this._debounce),s?this._refresh():this._debounce=setTimeout(()=>this._refresh(),os)}}this._plan&&!N._firstRenderMarked&&(N._firstRenderMarked=!0,globalThis.performance?.mark?.(es))}async _entry(){if(this._config.config_entry)return this._config.config_entry;if(!this._entryId){let[t]=await He(this.hass);this._entryId=t?.entry_id??null}return this._entryId}async _refresh(){if(!(!this.hass||!this._config)){if(this._loading){this._again=!0;return}this._loading=!0,this._again=!1;try{let t=await this._entry();if(!t){this._error=this._t("no_entry");return}let[e,s]=await Promise.all([Oe(this.hass,"get_plan",{config_entry:t}),Oe(this.hass,"get_forecast",{config_entry:t,hours_ahead:this._config.hours_ahead,include_bands:!!this._config.show_forecast})]);this._plan=e,this._forecast=s,this._error=void 0,this._now=Date.now(),this._loadReasons()}catch(t){this._error=this._t("no_plan",{error:t?.message??String(t)})}finally{this._loading=!1,this._again&&this._refresh()}}}async _loadReasons(){if(!(this._reasons||!this.hass?.loadBackendTranslation))try{this._reasons=await this.hass.loadBackendTranslation("exceptions",lt),this.requestUpdate()}catch{this._reasons=null}}_reason(t){if(!t)return"";let e=`component.${lt}.exceptions.${t.code}.message`;return this._reasons?.(e,t.placeholders??{})||t.code}render(){if(!this._config)return d;let t=this._config.title??this._t("title"),e;return this._plan&&this._forecast?e=this._renderTimeline():this._error?e=f`<div class="message">${this._error}</div>`:e=f`<div class="message">${this._t("loading")}</div>`,f`<ha-card .header=${t||void 0}>
      <div class="timeline">${e}</div>
      ${this._renderDetails()}
    </ha-card>`}_renderTimeline(){let t=this._config,e=A(this.hass),s=Lt(this.hass),n=at(this.hass),r=this._forecast.slots??[],i=t.show_forecast?r:r.filter(y=>y.origin!=="forecast"),c=this._forecast.currency??this._plan.currency,a=me(r,this._now,t.hours_ahead),h=Math.max(this._width,280),l=fe(a.start,a.end,g,h-R),p=t.show_appliances?xe(this._plan):[],$=t.show_load?be(this._plan.plans):[],_=this._plan.household_limit_kw,b=Me,D=Me+ss,q=_e(i),dt=ct(q.min,q.max,b,D),Kt=D+ns+4,Y=Kt+p.length*jt+(p.length?6:0),O=!!(t.show_load&&($.length||typeof _=="number")),E=t.show_energy?Ae(this._plan):null,J=!!E?.hasSolar,pt=!!E?.hasBattery,wt=!!E?.hasSoc,bt=O||J,vt=Y+(bt?Ee+8:0),Zt=vt+(pt?Te+4:0),X=Zt+(wt?Ce+8:0),St=Math.max(...O?$.map(y=>y.kw):[],O&&typeof _=="number"?_:0,...J?E.slots.map(y=>y.solarKw??0):[],1),j=ct(0,St*1.05,Y+16,Y+Ee),De=Se(a.start,a.end,Math.floor((h-g)/56),zt(s,a.start)),At=l(this._now),Pe=this._now>=a.start&&this._now<=a.end,Ue=ge(i),ut=u(this._forecast.known_until);return f`
      <svg
        class="chart"
        data-from=${new Date(a.start).toISOString()}
        data-to=${new Date(a.end).toISOString()}
        viewBox="0 0 ${h} ${X}"
        width="100%"
        height=${X}
        role="img"
        aria-label=${this._t("title")}
      >
        ${De.map(y=>x`<line class="grid" x1=${l(y)} x2=${l(y)} y1=${b} y2=${X-4}></line>
            <text class="tick${Bt(y,s)?" day":""}" x=${l(y)} y=${D+15} text-anchor="middle">${Bt(y,s)?ue(y,n):k(y,n)}</text>`)}
        <text class="axis" x=${g-4} y=${b+10} text-anchor="end">${v(q.max,e,2)}</text>
        <text class="axis" x=${g-4} y=${D} text-anchor="end">${v(q.min,e,2)}</text>
        <text class="axis unit" x=${g-4} y=${b+22} text-anchor="end">${c}/kWh</text>
        ${q.min<0?x`<line class="zero" x1=${g} x2=${h-R} y1=${dt(0)} y2=${dt(0)}></line>`:d}
        ${t.show_forecast?x`<path class="band" d=${ye(i,l,dt)}></path>`:d}
        ${Number.isFinite(ut)&&t.show_forecast&&ut<a.end?x`<line class="known-until" x1=${l(ut)} x2=${l(ut)} y1=${b} y2=${D}></line>`:d}
        ${Ue.map(y=>x`<path class="price ${y.origin}" data-origin=${y.origin} d=${$e(y.slots,l,dt)}></path>`)}
        ${p.map((y,Ie)=>this._renderLane(y,Kt+Ie*jt,l,h,c,n))}
        ${E&&(J||pt)?this._renderSlotTargets(E,l,bt?Y:vt,X-8,n):d}
        ${bt?x`<g class="load-panel">
              <text class="lane-name" x=${g} y=${Y+10}>${this._t(O?"load":"solar")}</text>
              <text class="axis" x=${g-4} y=${j(St)+4} text-anchor="end">${v(St,e,1)} kW</text>
              ${J?x`<path class="solar" d=${Ft(E.slots,"solarKw",l,j)}></path>`:d}
              ${O?x`<path class="load" d=${ve($,l,j)}></path>`:d}
              ${O&&typeof _=="number"?x`<line class="limit" x1=${g} x2=${h-R} y1=${j(_)} y2=${j(_)}></line>
                  <text class="limit-label" x=${h-R-2} y=${j(_)-3} text-anchor="end">${this._t("limit_value",{kw:v(_,e,1)})}</text>`:d}
            </g>`:d}
        ${pt?this._renderBattery(E,vt,l,h,e):d}
        ${wt?this._renderSoc(E,Zt,l,h,e):d}
        ${Pe?x`<line class="now" x1=${At} x2=${At} y1=${b} y2=${X-4}></line>
            <text class="now-label" x=${At+3} y=${b+10}>${this._t("now")}</text>`:d}
      </svg>
      ${this._renderLegend(O,O&&typeof _=="number",{showSolar:J,showBattery:pt,showSoc:wt})}
    `}_renderBattery(t,e,s,n,r){let i=Math.max(...t.slots.map(a=>Math.abs(a.batteryKw??0)),.1),c=ct(-i,i,e+16,e+Te);return x`<g class="battery-panel">
      <text class="lane-name" x=${g} y=${e+10}>${this._t("battery_power")}</text>
      <text class="axis" x=${g-4} y=${c(i)+4} text-anchor="end">${v(i,r,1)} kW</text>
      <text class="axis" x=${g-4} y=${c(-i)} text-anchor="end">${v(-i,r,1)}</text>
      <line class="lane-base" x1=${g} x2=${n-R} y1=${c(0)} y2=${c(0)}></line>
      <path class="battery" d=${Ft(t.slots,"batteryKw",s,c)}></path>
    </g>`}_renderSoc(t,e,s,n,r){let i=ct(0,100,e+16,e+Ce);return x`<g class="soc-panel">
      <text class="lane-name" x=${g} y=${e+10}>${this._t("state_of_charge")}</text>
      <text class="axis" x=${g-4} y=${i(100)+4} text-anchor="end">${this._t("unit.percent",{value:v(100,r,0)})}</text>
      <text class="axis" x=${g-4} y=${i(0)} text-anchor="end">${this._t("unit.percent",{value:v(0,r,0)})}</text>
      <line class="lane-base" x1=${g} x2=${n-R} y1=${i(0)} y2=${i(0)}></line>
      <line class="lane-base" x1=${g} x2=${n-R} y1=${i(100)} y2=${i(100)}></line>
      <path class="soc" d=${ke(t.slots,s,i)}></path>
    </g>`}_renderSlotTargets(t,e,s,n,r){return x`<g class="energy-slots">${t.slots.map(i=>{if(!(i.end>e.start&&i.start<e.end))return d;let c=e(i.start),a=`${k(i.start,r)}–${k(i.end,r)}`,h=this._selected?.energySlot===i.slot;return x`<rect class="energy-slot${h?" selected":""}" role="button"
        data-start=${i.slot.start} data-end=${i.slot.end}
        x=${c} y=${s} width=${Math.max(e(i.end)-c,1)} height=${Math.max(n-s,1)}
        aria-label=${`${this._t("balance")} ${a}`}
        @click=${()=>this._select({energySlot:i.slot})}><title>${this._t("balance")} ${a}</title></rect>`})}</g>`}_renderLane(t,e,s,n,r,i){let c=e+14,a=jt-18,h=t.blocked.length&&!t.runs.length;return x`<g class="lane" data-appliance=${t.applianceId}>
      <text class="lane-name" x=${g} y=${e+10}>${t.name}${h?` · ${this._t("blocked")}`:t.runs.length?"":` · ${this._t("no_runs")}`}</text>
      <line class="lane-base" x1=${g} x2=${n-R} y1=${c+a/2} y2=${c+a/2}></line>
      ${t.blocked.map(l=>{let p=Math.max(u(l.window_start),s.start),$=Math.min(u(l.due),s.end);return $>p?x`<rect class="blocked" tabindex="0" role="button"
          x=${s(p)} y=${c} width=${Math.max(s($)-s(p),2)} height=${a} rx="3"
          aria-label=${`${t.name}: ${this._reason(l.issue)}`}
          @click=${()=>this._select({lane:t,occurrence:l})}
          @keydown=${_=>this._key(_,{lane:t,occurrence:l})}></rect>`:d})}
      ${t.runs.map(l=>{let p=we(l,s);if(!p)return d;let $=z(l.cost,r,i.language),_=`${k(u(l.start),i)}–${k(u(l.end),i)}`,b=this._selected?.run===l;return x`<g class="run ${l.status}${b?" selected":""}" tabindex="0" role="button"
            data-start=${l.start} data-end=${l.end} data-cost=${l.cost??""}
            aria-label=${`${t.name} ${_}, ${$}`}
            @click=${()=>this._select({lane:t,run:l,occurrence:l.occurrence})}
            @keydown=${D=>this._key(D,{lane:t,run:l,occurrence:l.occurrence})}>
          <rect x=${p.x} y=${c} width=${p.width} height=${a} rx="3"></rect>
          ${p.width>46?x`<text class="run-label" x=${p.x+p.width/2} y=${c+a/2+4} text-anchor="middle">${$}</text>`:d}
        </g>`})}
    </g>`}_renderLegend(t,e,{showSolar:s,showBattery:n,showSoc:r}){let i=this._config;return f`<div class="legend">
      <span><i class="swatch market"></i>${this._t("market")}</span>
      ${i.show_forecast?f`<span><i class="swatch forecast"></i>${this._t("forecast")}</span>
            <span><i class="swatch band"></i>${this._t("band")}</span>`:d}
      <span><i class="swatch now"></i>${this._t("now")}</span>
      ${t?f`<span><i class="swatch load"></i>${this._t("load")}</span>`:d}
      ${e?f`<span><i class="swatch limit"></i>${this._t("limit")}</span>`:d}
      ${s?f`<span><i class="swatch solar"></i>${this._t("solar")}</span>`:d}
      ${n?f`<span><i class="swatch battery"></i>${this._t("battery_power")}</span>`:d}
      ${r?f`<span><i class="swatch soc"></i>${this._t("state_of_charge")}</span>`:d}
    </div>`}_key(t,e){(t.key==="Enter"||t.key===" ")&&(t.preventDefault(),this._select(e))}_select(t){let e=this._selected&&this._selected.run===t.run&&this._selected.occurrence===t.occurrence&&this._selected.energySlot===t.energySlot;this._selected=e?void 0:t}_renderDetails(){let t=this._selected;if(!t||!this._plan)return d;let e=A(this.hass),s=at(this.hass),n=this._plan.currency;if(t.energySlot)return this._renderBalance(t.energySlot,e,s);let{lane:r,run:i,occurrence:c}=t,a=[[this._t("status"),this._t(`status.${c.status}`)]];return i?a.push([this._t("start"),C(u(i.start),s)],[this._t("end"),C(u(i.end),s)],[this._t("cost"),z(i.cost,n,e,4)],[this._t("energy"),this._t("unit.kwh",{value:v(i.energy_kwh,e,2)})],[this._t("power"),this._t("unit.kw",{value:v(i.power_kw,e,2)})],[this._t("savings"),z(c.savings,n,e,4)],[this._t("baseline"),z(c.baseline_cost,n,e,4)]):a.push([this._t("window_start"),C(u(c.window_start),s)],[this._t("due"),C(u(c.due),s)]),c.issue&&a.push([this._t("reason"),this._reason(c.issue)]),f`<div class="details" role="dialog" aria-label=${r.name}>
      <div class="details-head">
        <strong>${r.name}</strong>
        <button class="close" @click=${()=>this._selected=void 0} aria-label=${this._t("close")}>✕</button>
      </div>
      <dl>
        ${a.map(([h,l])=>f`<dt>${h}</dt><dd>${l}</dd>`)}
      </dl>
    </div>`}_renderBalance(t,e,s){let n=c=>this._t("unit.kwh",{value:v(c,e,2)}),r=`${this._t("balance")} ${k(u(t.start),s)}–${k(u(t.end),s)}`,i=[[this._t("start"),C(u(t.start),s)],[this._t("end"),C(u(t.end),s)],[this._t("grid_import"),n(t.grid_import_kwh)],[this._t("grid_export"),n(t.grid_export_kwh)],[this._t("solar_energy"),n(t.solar_kwh)]];if(typeof t.stored_kwh=="number"){let c=this._plan.energy?.battery_capacity_kwh;if(i.push([this._t("battery_power"),this._t("unit.kw",{value:v(t.battery_kw,e,2)})],[this._t("stored"),n(t.stored_kwh)]),c>0){let a=v(t.stored_kwh/c*100,e,0);i.push([this._t("state_of_charge"),this._t("unit.percent",{value:a})])}}return t.mode&&i.push([this._t("battery_mode"),this._t(`mode.${t.mode}`)]),f`<div class="details" role="dialog" aria-label=${r}>
      <div class="details-head">
        <strong>${r}</strong>
        <button class="close" @click=${()=>this._selected=void 0} aria-label=${this._t("close")}>✕</button>
      </div>
      <dl>
        ${i.map(([c,a])=>f`<dt>${c}</dt><dd>${a}</dd>`)}
      </dl>
    </div>`}};w(N,"properties",{hass:{attribute:!1},_config:{state:!0},_plan:{state:!0},_forecast:{state:!0},_error:{state:!0},_selected:{state:!0},_width:{state:!0},_now:{state:!0}}),w(N,"styles",tt`
    :host {
      --po-market: var(--primary-color, #03a9f4);
      --po-forecast: var(--warning-color, #ff9800);
      --po-now: var(--error-color, #db4437);
      --po-run: var(--accent-color, #ff9800);
      --po-running: var(--success-color, #43a047);
      --po-load: var(--info-color, #039be5);
      --po-limit: var(--error-color, #db4437);
      --po-solar: var(--energy-solar-color, #ff9800);
      --po-battery: var(--energy-battery-in-color, #f06292);
      --po-soc: var(--energy-battery-out-color, #4db6ac);
      display: block;
    }
    .timeline {
      padding: 0 8px 8px;
    }
    .message {
      padding: 16px 8px;
      color: var(--secondary-text-color);
    }
    svg {
      display: block;
      overflow: visible;
      font-family: var(--ha-font-family-body, var(--paper-font-body1_-_font-family, sans-serif));
      font-size: 11px;
    }
    /* Lines and labels over the runs must not take their taps. */
    .grid,
    .tick,
    .now,
    .now-label,
    .known-until,
    .limit,
    .limit-label,
    .lane-name,
    .load,
    .solar,
    .battery,
    .soc,
    .lane-base,
    .axis {
      pointer-events: none;
    }
    .lane-name {
      /* Knocks the grid lines out behind the name. */
      paint-order: stroke;
      stroke: var(--ha-card-background, var(--card-background-color, #fff));
      stroke-width: 3px;
      stroke-linejoin: round;
    }
    .tick.day {
      font-weight: 600;
      fill: var(--primary-text-color);
    }
    .grid {
      stroke: var(--divider-color, rgba(127, 127, 127, 0.2));
      stroke-width: 1;
    }
    .tick,
    .axis,
    .lane-name,
    .limit-label {
      fill: var(--secondary-text-color);
    }
    .unit {
      font-size: 9px;
    }
    .zero {
      stroke: var(--secondary-text-color);
      stroke-dasharray: 2 2;
    }
    .price {
      fill: none;
      stroke-width: 2;
    }
    .price.market {
      stroke: var(--po-market);
    }
    .price.forecast {
      stroke: var(--po-forecast);
      stroke-dasharray: 5 3;
    }
    .band {
      fill: var(--po-forecast);
      opacity: 0.2;
    }
    .known-until {
      stroke: var(--po-forecast);
      stroke-width: 1;
      opacity: 0.6;
    }
    .now {
      stroke: var(--po-now);
      stroke-width: 1.5;
    }
    .now-label {
      fill: var(--po-now);
      font-weight: 500;
    }
    .lane-base {
      stroke: var(--divider-color, rgba(127, 127, 127, 0.2));
    }
    .run {
      cursor: pointer;
      outline: none;
    }
    .run rect {
      fill: var(--po-run);
      opacity: 0.85;
    }
    .run.running rect {
      fill: var(--po-running);
      opacity: 1;
    }
    .run.selected rect,
    .run:focus-visible rect {
      stroke: var(--primary-text-color);
      stroke-width: 2;
    }
    .run-label {
      fill: var(--text-primary-color, #fff);
      font-weight: 500;
      pointer-events: none;
    }
    .blocked {
      cursor: pointer;
      fill: none;
      stroke: var(--po-now);
      stroke-dasharray: 3 3;
      outline: none;
    }
    .load {
      fill: var(--po-load);
      opacity: 0.45;
    }
    .solar {
      fill: var(--po-solar);
      opacity: 0.35;
    }
    .battery {
      fill: var(--po-battery);
      opacity: 0.7;
    }
    .soc {
      fill: none;
      stroke: var(--po-soc);
      stroke-width: 2;
    }
    .energy-slot {
      cursor: pointer;
      fill: transparent;
    }
    .energy-slot.selected {
      fill: var(--primary-text-color);
      opacity: 0.08;
    }
    .limit {
      stroke: var(--po-limit);
      stroke-dasharray: 6 3;
      stroke-width: 1.5;
    }
    .legend {
      display: flex;
      flex-wrap: wrap;
      gap: 4px 12px;
      padding: 6px 4px 0;
      font-size: 12px;
      color: var(--secondary-text-color);
    }
    .swatch {
      display: inline-block;
      width: 14px;
      height: 0;
      margin-right: 4px;
      vertical-align: middle;
      border-top: 2px solid;
    }
    .swatch.market {
      border-color: var(--po-market);
    }
    .swatch.forecast {
      border-top-style: dashed;
      border-color: var(--po-forecast);
    }
    .swatch.band {
      height: 8px;
      border: none;
      background: var(--po-forecast);
      opacity: 0.3;
    }
    .swatch.now {
      width: 2px;
      height: 12px;
      border: none;
      background: var(--po-now);
    }
    .swatch.load {
      height: 8px;
      border: none;
      background: var(--po-load);
      opacity: 0.5;
    }
    .swatch.solar {
      height: 8px;
      border: none;
      background: var(--po-solar);
      opacity: 0.5;
    }
    .swatch.battery {
      height: 8px;
      border: none;
      background: var(--po-battery);
      opacity: 0.7;
    }
    .swatch.soc {
      border-color: var(--po-soc);
    }
    .swatch.limit {
      border-top-style: dashed;
      border-color: var(--po-limit);
    }
    .details {
      margin: 0 16px 16px;
      padding: 8px 12px;
      border-radius: var(--ha-card-border-radius, 12px);
      background: var(--secondary-background-color);
      color: var(--primary-text-color);
    }
    .details-head {
      display: flex;
      align-items: center;
      justify-content: space-between;
    }
    .close {
      border: none;
      background: none;
      color: inherit;
      cursor: pointer;
      font-size: 16px;
      padding: 4px 8px;
    }
    dl {
      display: grid;
      grid-template-columns: max-content 1fr;
      gap: 2px 12px;
      margin: 4px 0 0;
    }
    dt {
      color: var(--secondary-text-color);
    }
    dd {
      margin: 0;
    }
  `);var yt=N;var cs=[{name:"config_entry",selector:{config_entry:{integration:"price_optimizer"}}},{name:"title",selector:{text:{}}},{name:"hours_ahead",selector:{number:{min:1,max:168,step:1,mode:"box",unit_of_measurement:"h"}}},{name:"show_appliances",selector:{boolean:{}}},{name:"show_forecast",selector:{boolean:{}}},{name:"show_load",selector:{boolean:{}}},{name:"show_energy",selector:{boolean:{}}}],M=class extends S{setConfig(t){this._config=t}render(){return!this.hass||!this._config?d:f`<ha-form
      .hass=${this.hass}
      .data=${{...this.constructor.defaults,...this._config}}
      .schema=${this.constructor.schema}
      .computeLabel=${t=>G(A(this.hass),`editor.${t.name}`)}
      @value-changed=${this._changed}
    ></ha-form>`}_changed(t){t.stopPropagation();let e=this.constructor.defaults,s={...t.detail.value};for(let[n,r]of Object.entries(s))(r===""||r===void 0||r===e[n])&&delete s[n];s.type=this._config.type??`custom:${this.constructor.cardTag}`,this._config=s,this.dispatchEvent(new CustomEvent("config-changed",{detail:{config:s},bubbles:!0,composed:!0}))}};w(M,"properties",{hass:{attribute:!1},_config:{state:!0}}),w(M,"schema",[]),w(M,"defaults",{}),w(M,"cardTag","");var F=class extends M{};w(F,"schema",cs),w(F,"defaults",Vt),w(F,"cardTag",B);var ls="price_optimizer",hs=["status","next_start","next_end","planned_cost","expected_savings","realised_savings","run_now","automatic_control"];function Wt(o,t){let e=o?.devices??{},s=new Map;for(let r of Object.values(o?.entities??{})){if(r.platform!==ls||!r.device_id||!hs.includes(r.translation_key))continue;let i=e[r.device_id];!i||t&&!(i.config_entries??[]).includes(t)||(s.has(r.device_id)||s.set(r.device_id,{}),s.get(r.device_id)[r.translation_key]=r.entity_id)}let n=[];for(let[r,i]of s){if(!i.status)continue;let c=e[r];n.push({deviceId:r,name:c.name_by_user||c.name||r,entities:i})}return n.sort((r,i)=>r.name.localeCompare(i.name))}var ht="price-optimizer-household-card",ds="–",ps=new Set(["unknown","unavailable",""]);function xt(o){return o&&!ps.has(o.state)?o:void 0}var K=class extends S{static getConfigElement(){return document.createElement(`${ht}-editor`)}static getStubConfig(){return{}}setConfig(t){if(!t||typeof t!="object")throw new Error("Invalid configuration");this._config={...t}}getCardSize(){return 1+2*Wt(this.hass,this._config?.entry).length}getGridOptions(){return{columns:12,min_columns:4,rows:"auto"}}_t(t,e){return G(A(this.hass),t,e)}_state(t){return t?this.hass.states?.[t]:void 0}_formatted(t,e){return xt(t)?this.hass.formatEntityState?.(t)??e(t):ds}_money(t){let e=A(this.hass);return this._formatted(this._state(t),s=>z(Number(s.state),s.attributes?.unit_of_measurement??"",e))}_nextRun(t){let e=xt(this._state(t.entities.next_start)),s=xt(this._state(t.entities.next_end));if(!e||!s)return f`<dd class="next-run">${this._t("no_runs")}</dd>`;let n=at(this.hass),r=Date.parse(e.state),i=Date.parse(s.state);return f`<dd class="next-run" data-start=${e.state} data-end=${s.state}>
      ${C(r,n)}–${k(i,n)}
    </dd>`}_moreInfo(t){this.dispatchEvent(new CustomEvent("hass-more-info",{detail:{entityId:t},bubbles:!0,composed:!0}))}_toggle(t,e,s){t.stopPropagation(),this.hass.callService("switch",s?"turn_off":"turn_on",{entity_id:e})}render(){if(!this._config||!this.hass)return d;let t=Wt(this.hass,this._config.entry),e=this._config.title??this._t("household.title");return f`<ha-card .header=${e||void 0}>
      <div class="appliances${e?"":" bare"}">
        ${t.length?t.map(s=>this._renderAppliance(s)):f`<div class="message">${this._t("household.none")}</div>`}
      </div>
    </ha-card>`}_renderAppliance(t){let{entities:e}=t,s=this._state(e.status),n=this._state(e.automatic_control),r=n?.state==="on",i=this._formatted(s,a=>this._t(`status.${a.state}`)),c=()=>this._moreInfo(e.status);return f`<div
      class="appliance"
      role="button"
      tabindex="0"
      data-device=${t.deviceId}
      aria-label=${`${t.name}: ${i}`}
      @click=${c}
      @keydown=${a=>{(a.key==="Enter"||a.key===" ")&&(a.preventDefault(),c())}}
    >
      <div class="head">
        <span class="name">${t.name}</span>
        <span class="status ${s?.state??"unknown"}">${i}</span>
      </div>
      <dl class="figures">
        <div><dt>${this._t("household.next_run")}</dt>${this._nextRun(t)}</div>
        <div><dt>${this._t("household.planned_cost")}</dt><dd class="planned-cost">${this._money(e.planned_cost)}</dd></div>
        <div><dt>${this._t("household.expected_savings")}</dt><dd class="expected-savings">${this._money(e.expected_savings)}</dd></div>
        <div><dt>${this._t("household.realised_savings")}</dt><dd class="realised-savings">${this._money(e.realised_savings)}</dd></div>
      </dl>
      ${e.automatic_control?f`<label class="control" @click=${a=>a.stopPropagation()}>
            <span>${this._t("household.automatic_control")}</span>
            <ha-switch
              .checked=${r}
              .disabled=${!xt(n)}
              aria-label=${`${t.name}: ${this._t("household.automatic_control")}`}
              @change=${a=>this._toggle(a,e.automatic_control,r)}
            ></ha-switch>
          </label>`:d}
    </div>`}};w(K,"properties",{hass:{attribute:!1},_config:{state:!0}}),w(K,"styles",tt`
    :host {
      display: block;
    }
    ha-card {
      /* The row's layout follows the card's width, not the window's: a narrow column is a phone. */
      container-type: inline-size;
    }
    .appliances {
      padding: 0 8px 8px;
    }
    .bare {
      padding-top: 8px;
    }
    .message {
      padding: 8px 8px 12px;
      color: var(--secondary-text-color);
    }
    .appliance {
      display: grid;
      grid-template-columns: minmax(9em, 1.2fr) 4fr auto;
      align-items: center;
      gap: 4px 16px;
      padding: 10px 8px;
      border-radius: var(--ha-card-border-radius, 12px);
      color: var(--primary-text-color);
      cursor: pointer;
      outline: none;
    }
    .appliance + .appliance {
      border-top: 1px solid var(--divider-color, rgba(127, 127, 127, 0.2));
      border-radius: 0;
    }
    .appliance:hover,
    .appliance:focus-visible {
      background: var(--secondary-background-color);
    }
    .head {
      display: flex;
      flex-direction: column;
      gap: 2px;
      min-width: 0;
    }
    .name {
      font-weight: 500;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .status {
      font-size: 13px;
      color: var(--secondary-text-color);
    }
    .status.running {
      color: var(--success-color, #43a047);
    }
    .status.scheduled {
      color: var(--primary-color, #03a9f4);
    }
    .status.blocked {
      color: var(--error-color, #db4437);
    }
    .figures {
      display: grid;
      grid-template-columns: 1.6fr 1fr 1fr 1fr;
      gap: 4px 12px;
      margin: 0;
    }
    dt {
      font-size: 12px;
      color: var(--secondary-text-color);
    }
    dd {
      margin: 0;
      font-variant-numeric: tabular-nums;
    }
    .control {
      display: flex;
      align-items: center;
      gap: 8px;
      font-size: 12px;
      color: var(--secondary-text-color);
      cursor: default;
    }
    @container (max-width: 560px) {
      .appliance {
        grid-template-columns: 1fr auto;
      }
      .figures {
        grid-column: 1 / -1;
        grid-row: 2;
        grid-template-columns: 1fr 1fr;
      }
      .control {
        grid-column: 2;
        grid-row: 1;
      }
    }
  `);var us=[{name:"entry",selector:{config_entry:{integration:"price_optimizer"}}},{name:"title",selector:{text:{}}}],Z=class extends M{};w(Z,"schema",us),w(Z,"cardTag",ht);var fs="https://github.com/price-optimizer/price_optimizer#dashboard",Ne=[{type:B,card:yt,editor:F,name:"Price Optimizer plan",description:"Prices, the forecast with its band, and every planned run on one timeline."},{type:ht,card:K,editor:Z,name:"Price Optimizer household",description:"Every appliance with its status, next run, cost, savings and automatic control."}],Gt="home-assistant";function Re(){for(let{type:o,card:t,editor:e}of Ne)customElements.get(o)||customElements.define(o,t),customElements.get(`${o}-editor`)||customElements.define(`${o}-editor`,e)}window.customCards=window.customCards||[];for(let{type:o,name:t,description:e}of Ne)window.customCards.some(s=>s.type===o)||window.customCards.push({type:o,name:t,description:e,preview:!1,documentationURL:fs});document.querySelector(Gt)&&!customElements.get(Gt)?customElements.whenDefined(Gt).then(Re):Re();
/*! Bundled license information:

@lit/reactive-element/css-tag.js:
  (**
   * @license
   * Copyright 2019 Google LLC
   * SPDX-License-Identifier: BSD-3-Clause
   *)

@lit/reactive-element/reactive-element.js:
lit-html/lit-html.js:
lit-element/lit-element.js:
  (**
   * @license
   * Copyright 2017 Google LLC
   * SPDX-License-Identifier: BSD-3-Clause
   *)

lit-html/is-server.js:
  (**
   * @license
   * Copyright 2022 Google LLC
   * SPDX-License-Identifier: BSD-3-Clause
   *)
*/

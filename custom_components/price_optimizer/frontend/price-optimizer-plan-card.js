var Ae=Object.defineProperty;var ke=(o,t,e)=>t in o?Ae(o,t,{enumerable:!0,configurable:!0,writable:!0,value:e}):o[t]=e;var $=(o,t,e)=>ke(o,typeof t!="symbol"?t+"":t,e);var lt=globalThis,ht=lt.ShadowRoot&&(lt.ShadyCSS===void 0||lt.ShadyCSS.nativeShadow)&&"adoptedStyleSheets"in Document.prototype&&"replace"in CSSStyleSheet.prototype,yt=Symbol(),zt=new WeakMap,Z=class{constructor(t,e,s){if(this._$cssResult$=!0,s!==yt)throw Error("CSSResult is not constructable. Use `unsafeCSS` or `css` instead.");this.cssText=t,this.t=e}get styleSheet(){let t=this.o,e=this.t;if(ht&&t===void 0){let s=e!==void 0&&e.length===1;s&&(t=zt.get(e)),t===void 0&&((this.o=t=new CSSStyleSheet).replaceSync(this.cssText),s&&zt.set(e,t))}return t}toString(){return this.cssText}},Ft=o=>new Z(typeof o=="string"?o:o+"",void 0,yt),K=(o,...t)=>{let e=o.length===1?o[0]:t.reduce((s,n,i)=>s+(r=>{if(r._$cssResult$===!0)return r.cssText;if(typeof r=="number")return r;throw Error("Value passed to 'css' function must be a 'css' function result: "+r+". Use 'unsafeCSS' to pass non-literal values, but take care to ensure page security.")})(n)+o[i+1],o[0]);return new Z(e,o,yt)},jt=(o,t)=>{if(ht)o.adoptedStyleSheets=t.map(e=>e instanceof CSSStyleSheet?e:e.styleSheet);else for(let e of t){let s=document.createElement("style"),n=lt.litNonce;n!==void 0&&s.setAttribute("nonce",n),s.textContent=e.cssText,o.appendChild(s)}},xt=ht?o=>o:o=>o instanceof CSSStyleSheet?(t=>{let e="";for(let s of t.cssRules)e+=s.cssText;return Ft(e)})(o):o;var{is:Se,defineProperty:Ee,getOwnPropertyDescriptor:Te,getOwnPropertyNames:Ce,getOwnPropertySymbols:Me,getPrototypeOf:Oe}=Object,dt=globalThis,Bt=dt.trustedTypes,Re=Bt?Bt.emptyScript:"",Ne=dt.reactiveElementPolyfillSupport,q=(o,t)=>o,vt={toAttribute(o,t){switch(t){case Boolean:o=o?Re:null;break;case Object:case Array:o=o==null?o:JSON.stringify(o)}return o},fromAttribute(o,t){let e=o;switch(t){case Boolean:e=o!==null;break;case Number:e=o===null?null:Number(o);break;case Object:case Array:try{e=JSON.parse(o)}catch{e=null}}return e}},Vt=(o,t)=>!Se(o,t),Wt={attribute:!0,type:String,converter:vt,reflect:!1,useDefault:!1,hasChanged:Vt};Symbol.metadata??=Symbol("metadata"),dt.litPropertyMetadata??=new WeakMap;var k=class extends HTMLElement{static addInitializer(t){this._$Ei(),(this.l??=[]).push(t)}static get observedAttributes(){return this.finalize(),this._$Eh&&[...this._$Eh.keys()]}static createProperty(t,e=Wt){if(e.state&&(e.attribute=!1),this._$Ei(),this.prototype.hasOwnProperty(t)&&((e=Object.create(e)).wrapped=!0),this.elementProperties.set(t,e),!e.noAccessor){let s=Symbol(),n=this.getPropertyDescriptor(t,s,e);n!==void 0&&Ee(this.prototype,t,n)}}static getPropertyDescriptor(t,e,s){let{get:n,set:i}=Te(this.prototype,t)??{get(){return this[e]},set(r){this[e]=r}};return{get:n,set(r){let c=n?.call(this);i?.call(this,r),this.requestUpdate(t,c,s)},configurable:!0,enumerable:!0}}static getPropertyOptions(t){return this.elementProperties.get(t)??Wt}static _$Ei(){if(this.hasOwnProperty(q("elementProperties")))return;let t=Oe(this);t.finalize(),t.l!==void 0&&(this.l=[...t.l]),this.elementProperties=new Map(t.elementProperties)}static finalize(){if(this.hasOwnProperty(q("finalized")))return;if(this.finalized=!0,this._$Ei(),this.hasOwnProperty(q("properties"))){let e=this.properties,s=[...Ce(e),...Me(e)];for(let n of s)this.createProperty(n,e[n])}let t=this[Symbol.metadata];if(t!==null){let e=litPropertyMetadata.get(t);if(e!==void 0)for(let[s,n]of e)this.elementProperties.set(s,n)}this._$Eh=new Map;for(let[e,s]of this.elementProperties){let n=this._$Eu(e,s);n!==void 0&&this._$Eh.set(n,e)}this.elementStyles=this.finalizeStyles(this.styles)}static finalizeStyles(t){let e=[];if(Array.isArray(t)){let s=new Set(t.flat(1/0).reverse());for(let n of s)e.unshift(xt(n))}else t!==void 0&&e.push(xt(t));return e}static _$Eu(t,e){let s=e.attribute;return s===!1?void 0:typeof s=="string"?s:typeof t=="string"?t.toLowerCase():void 0}constructor(){super(),this._$Ep=void 0,this.isUpdatePending=!1,this.hasUpdated=!1,this._$Em=null,this._$Ev()}_$Ev(){this._$ES=new Promise(t=>this.enableUpdating=t),this._$AL=new Map,this._$E_(),this.requestUpdate(),this.constructor.l?.forEach(t=>t(this))}addController(t){(this._$EO??=new Set).add(t),this.renderRoot!==void 0&&this.isConnected&&t.hostConnected?.()}removeController(t){this._$EO?.delete(t)}_$E_(){let t=new Map,e=this.constructor.elementProperties;for(let s of e.keys())this.hasOwnProperty(s)&&(t.set(s,this[s]),delete this[s]);t.size>0&&(this._$Ep=t)}createRenderRoot(){let t=this.shadowRoot??this.attachShadow(this.constructor.shadowRootOptions);return jt(t,this.constructor.elementStyles),t}connectedCallback(){this.renderRoot??=this.createRenderRoot(),this.enableUpdating(!0),this._$EO?.forEach(t=>t.hostConnected?.())}enableUpdating(t){}disconnectedCallback(){this._$EO?.forEach(t=>t.hostDisconnected?.())}attributeChangedCallback(t,e,s){this._$AK(t,s)}_$ET(t,e){let s=this.constructor.elementProperties.get(t),n=this.constructor._$Eu(t,s);if(n!==void 0&&s.reflect===!0){let i=(s.converter?.toAttribute!==void 0?s.converter:vt).toAttribute(e,s.type);this._$Em=t,i==null?this.removeAttribute(n):this.setAttribute(n,i),this._$Em=null}}_$AK(t,e){let s=this.constructor,n=s._$Eh.get(t);if(n!==void 0&&this._$Em!==n){let i=s.getPropertyOptions(n),r=typeof i.converter=="function"?{fromAttribute:i.converter}:i.converter?.fromAttribute!==void 0?i.converter:vt;this._$Em=n;let c=r.fromAttribute(e,i.type);this[n]=c??this._$Ej?.get(n)??c,this._$Em=null}}requestUpdate(t,e,s,n=!1,i){if(t!==void 0){let r=this.constructor;if(n===!1&&(i=this[t]),s??=r.getPropertyOptions(t),!((s.hasChanged??Vt)(i,e)||s.useDefault&&s.reflect&&i===this._$Ej?.get(t)&&!this.hasAttribute(r._$Eu(t,s))))return;this.C(t,e,s)}this.isUpdatePending===!1&&(this._$ES=this._$EP())}C(t,e,{useDefault:s,reflect:n,wrapped:i},r){s&&!(this._$Ej??=new Map).has(t)&&(this._$Ej.set(t,r??e??this[t]),i!==!0||r!==void 0)||(this._$AL.has(t)||(this.hasUpdated||s||(e=void 0),this._$AL.set(t,e)),n===!0&&this._$Em!==t&&(this._$Eq??=new Set).add(t))}async _$EP(){this.isUpdatePending=!0;try{await this._$ES}catch(e){Promise.reject(e)}let t=this.scheduleUpdate();return t!=null&&await t,!this.isUpdatePending}scheduleUpdate(){return this.performUpdate()}performUpdate(){if(!this.isUpdatePending)return;if(!this.hasUpdated){if(this.renderRoot??=this.createRenderRoot(),this._$Ep){for(let[n,i]of this._$Ep)this[n]=i;this._$Ep=void 0}let s=this.constructor.elementProperties;if(s.size>0)for(let[n,i]of s){let{wrapped:r}=i,c=this[n];r!==!0||this._$AL.has(n)||c===void 0||this.C(n,void 0,i,c)}}let t=!1,e=this._$AL;try{t=this.shouldUpdate(e),t?(this.willUpdate(e),this._$EO?.forEach(s=>s.hostUpdate?.()),this.update(e)):this._$EM()}catch(s){throw t=!1,this._$EM(),s}t&&this._$AE(e)}willUpdate(t){}_$AE(t){this._$EO?.forEach(e=>e.hostUpdated?.()),this.hasUpdated||(this.hasUpdated=!0,this.firstUpdated(t)),this.updated(t)}_$EM(){this._$AL=new Map,this.isUpdatePending=!1}get updateComplete(){return this.getUpdateComplete()}getUpdateComplete(){return this._$ES}shouldUpdate(t){return!0}update(t){this._$Eq&&=this._$Eq.forEach(e=>this._$ET(e,this[e])),this._$EM()}updated(t){}firstUpdated(t){}};k.elementStyles=[],k.shadowRootOptions={mode:"open"},k[q("elementProperties")]=new Map,k[q("finalized")]=new Map,Ne?.({ReactiveElement:k}),(dt.reactiveElementVersions??=[]).push("2.1.2");var Tt=globalThis,Gt=o=>o,pt=Tt.trustedTypes,Zt=pt?pt.createPolicy("lit-html",{createHTML:o=>o}):void 0,Qt="$lit$",E=`lit$${Math.random().toFixed(9).slice(2)}$`,te="?"+E,He=`<${te}>`,R=document,J=()=>R.createComment(""),X=o=>o===null||typeof o!="object"&&typeof o!="function",Ct=Array.isArray,De=o=>Ct(o)||typeof o?.[Symbol.iterator]=="function",wt=`[ 	
\f\r]`,Y=/<(?:(!--|\/[^a-zA-Z])|(\/?[a-zA-Z][^>\s]*)|(\/?$))/g,Kt=/-->/g,qt=/>/g,M=RegExp(`>|${wt}(?:([^\\s"'>=/]+)(${wt}*=${wt}*(?:[^ 	
\f\r"'\`<>=]|("|')|))|$)`,"g"),Yt=/'/g,Jt=/"/g,ee=/^(?:script|style|textarea|title)$/i,Mt=o=>(t,...e)=>({_$litType$:o,strings:t,values:e}),m=Mt(1),x=Mt(2),as=Mt(3),N=Symbol.for("lit-noChange"),p=Symbol.for("lit-nothing"),Xt=new WeakMap,O=R.createTreeWalker(R,129);function se(o,t){if(!Ct(o)||!o.hasOwnProperty("raw"))throw Error("invalid template strings array");return Zt!==void 0?Zt.createHTML(t):t}var Pe=(o,t)=>{let e=o.length-1,s=[],n,i=t===2?"<svg>":t===3?"<math>":"",r=Y;for(let c=0;c<e;c++){let a=o[c],d,l,h=-1,_=0;for(;_<a.length&&(r.lastIndex=_,l=r.exec(a),l!==null);)_=r.lastIndex,r===Y?l[1]==="!--"?r=Kt:l[1]!==void 0?r=qt:l[2]!==void 0?(ee.test(l[2])&&(n=RegExp("</"+l[2],"g")),r=M):l[3]!==void 0&&(r=M):r===M?l[0]===">"?(r=n??Y,h=-1):l[1]===void 0?h=-2:(h=r.lastIndex-l[2].length,d=l[1],r=l[3]===void 0?M:l[3]==='"'?Jt:Yt):r===Jt||r===Yt?r=M:r===Kt||r===qt?r=Y:(r=M,n=void 0);let f=r===M&&o[c+1].startsWith("/>")?" ":"";i+=r===Y?a+He:h>=0?(s.push(d),a.slice(0,h)+Qt+a.slice(h)+E+f):a+E+(h===-2?c:f)}return[se(o,i+(o[e]||"<?>")+(t===2?"</svg>":t===3?"</math>":"")),s]},Q=class o{constructor({strings:t,_$litType$:e},s){let n;this.parts=[];let i=0,r=0,c=t.length-1,a=this.parts,[d,l]=Pe(t,e);if(this.el=o.createElement(d,s),O.currentNode=this.el.content,e===2||e===3){let h=this.el.content.firstChild;h.replaceWith(...h.childNodes)}for(;(n=O.nextNode())!==null&&a.length<c;){if(n.nodeType===1){if(n.hasAttributes())for(let h of n.getAttributeNames())if(h.endsWith(Qt)){let _=l[r++],f=n.getAttribute(h).split(E),y=/([.?@])?(.*)/.exec(_);a.push({type:1,index:i,name:y[2],strings:f,ctor:y[1]==="."?At:y[1]==="?"?kt:y[1]==="@"?St:z}),n.removeAttribute(h)}else h.startsWith(E)&&(a.push({type:6,index:i}),n.removeAttribute(h));if(ee.test(n.tagName)){let h=n.textContent.split(E),_=h.length-1;if(_>0){n.textContent=pt?pt.emptyScript:"";for(let f=0;f<_;f++)n.append(h[f],J()),O.nextNode(),a.push({type:2,index:++i});n.append(h[_],J())}}}else if(n.nodeType===8)if(n.data===te)a.push({type:2,index:i});else{let h=-1;for(;(h=n.data.indexOf(E,h+1))!==-1;)a.push({type:7,index:i}),h+=E.length-1}i++}}static createElement(t,e){let s=R.createElement("template");return s.innerHTML=t,s}};function L(o,t,e=o,s){if(t===N)return t;let n=s!==void 0?e._$Co?.[s]:e._$Cl,i=X(t)?void 0:t._$litDirective$;return n?.constructor!==i&&(n?._$AO?.(!1),i===void 0?n=void 0:(n=new i(o),n._$AT(o,e,s)),s!==void 0?(e._$Co??=[])[s]=n:e._$Cl=n),n!==void 0&&(t=L(o,n._$AS(o,t.values),n,s)),t}var bt=class{constructor(t,e){this._$AV=[],this._$AN=void 0,this._$AD=t,this._$AM=e}get parentNode(){return this._$AM.parentNode}get _$AU(){return this._$AM._$AU}u(t){let{el:{content:e},parts:s}=this._$AD,n=(t?.creationScope??R).importNode(e,!0);O.currentNode=n;let i=O.nextNode(),r=0,c=0,a=s[0];for(;a!==void 0;){if(r===a.index){let d;a.type===2?d=new tt(i,i.nextSibling,this,t):a.type===1?d=new a.ctor(i,a.name,a.strings,this,t):a.type===6&&(d=new Et(i,this,t)),this._$AV.push(d),a=s[++c]}r!==a?.index&&(i=O.nextNode(),r++)}return O.currentNode=R,n}p(t){let e=0;for(let s of this._$AV)s!==void 0&&(s.strings!==void 0?(s._$AI(t,s,e),e+=s.strings.length-2):s._$AI(t[e])),e++}},tt=class o{get _$AU(){return this._$AM?._$AU??this._$Cv}constructor(t,e,s,n){this.type=2,this._$AH=p,this._$AN=void 0,this._$AA=t,this._$AB=e,this._$AM=s,this.options=n,this._$Cv=n?.isConnected??!0}get parentNode(){let t=this._$AA.parentNode,e=this._$AM;return e!==void 0&&t?.nodeType===11&&(t=e.parentNode),t}get startNode(){return this._$AA}get endNode(){return this._$AB}_$AI(t,e=this){t=L(this,t,e),X(t)?t===p||t==null||t===""?(this._$AH!==p&&this._$AR(),this._$AH=p):t!==this._$AH&&t!==N&&this._(t):t._$litType$!==void 0?this.$(t):t.nodeType!==void 0?this.T(t):De(t)?this.k(t):this._(t)}O(t){return this._$AA.parentNode.insertBefore(t,this._$AB)}T(t){this._$AH!==t&&(this._$AR(),this._$AH=this.O(t))}_(t){this._$AH!==p&&X(this._$AH)?this._$AA.nextSibling.data=t:this.T(R.createTextNode(t)),this._$AH=t}$(t){let{values:e,_$litType$:s}=t,n=typeof s=="number"?this._$AC(t):(s.el===void 0&&(s.el=Q.createElement(se(s.h,s.h[0]),this.options)),s);if(this._$AH?._$AD===n)this._$AH.p(e);else{let i=new bt(n,this),r=i.u(this.options);i.p(e),this.T(r),this._$AH=i}}_$AC(t){let e=Xt.get(t.strings);return e===void 0&&Xt.set(t.strings,e=new Q(t)),e}k(t){Ct(this._$AH)||(this._$AH=[],this._$AR());let e=this._$AH,s,n=0;for(let i of t)n===e.length?e.push(s=new o(this.O(J()),this.O(J()),this,this.options)):s=e[n],s._$AI(i),n++;n<e.length&&(this._$AR(s&&s._$AB.nextSibling,n),e.length=n)}_$AR(t=this._$AA.nextSibling,e){for(this._$AP?.(!1,!0,e);t!==this._$AB;){let s=Gt(t).nextSibling;Gt(t).remove(),t=s}}setConnected(t){this._$AM===void 0&&(this._$Cv=t,this._$AP?.(t))}},z=class{get tagName(){return this.element.tagName}get _$AU(){return this._$AM._$AU}constructor(t,e,s,n,i){this.type=1,this._$AH=p,this._$AN=void 0,this.element=t,this.name=e,this._$AM=n,this.options=i,s.length>2||s[0]!==""||s[1]!==""?(this._$AH=Array(s.length-1).fill(new String),this.strings=s):this._$AH=p}_$AI(t,e=this,s,n){let i=this.strings,r=!1;if(i===void 0)t=L(this,t,e,0),r=!X(t)||t!==this._$AH&&t!==N,r&&(this._$AH=t);else{let c=t,a,d;for(t=i[0],a=0;a<i.length-1;a++)d=L(this,c[s+a],e,a),d===N&&(d=this._$AH[a]),r||=!X(d)||d!==this._$AH[a],d===p?t=p:t!==p&&(t+=(d??"")+i[a+1]),this._$AH[a]=d}r&&!n&&this.j(t)}j(t){t===p?this.element.removeAttribute(this.name):this.element.setAttribute(this.name,t??"")}},At=class extends z{constructor(){super(...arguments),this.type=3}j(t){this.element[this.name]=t===p?void 0:t}},kt=class extends z{constructor(){super(...arguments),this.type=4}j(t){this.element.toggleAttribute(this.name,!!t&&t!==p)}},St=class extends z{constructor(t,e,s,n,i){super(t,e,s,n,i),this.type=5}_$AI(t,e=this){if((t=L(this,t,e,0)??p)===N)return;let s=this._$AH,n=t===p&&s!==p||t.capture!==s.capture||t.once!==s.once||t.passive!==s.passive,i=t!==p&&(s===p||n);n&&this.element.removeEventListener(this.name,this,s),i&&this.element.addEventListener(this.name,this,t),this._$AH=t}handleEvent(t){typeof this._$AH=="function"?this._$AH.call(this.options?.host??this.element,t):this._$AH.handleEvent(t)}},Et=class{constructor(t,e,s){this.element=t,this.type=6,this._$AN=void 0,this._$AM=e,this.options=s}get _$AU(){return this._$AM._$AU}_$AI(t){L(this,t)}};var Ue=Tt.litHtmlPolyfillSupport;Ue?.(Q,tt),(Tt.litHtmlVersions??=[]).push("3.3.3");var ne=(o,t,e)=>{let s=e?.renderBefore??t,n=s._$litPart$;if(n===void 0){let i=e?.renderBefore??null;s._$litPart$=n=new tt(t.insertBefore(J(),i),i,void 0,e??{})}return n._$AI(o),n};var Ot=globalThis,w=class extends k{constructor(){super(...arguments),this.renderOptions={host:this},this._$Do=void 0}createRenderRoot(){let t=super.createRenderRoot();return this.renderOptions.renderBefore??=t.firstChild,t}update(t){let e=this.render();this.hasUpdated||(this.renderOptions.isConnected=this.isConnected),super.update(t),this._$Do=ne(e,this.renderRoot,this.renderOptions)}connectedCallback(){super.connectedCallback(),this._$Do?.setConnected(!0)}disconnectedCallback(){super.disconnectedCallback(),this._$Do?.setConnected(!1)}render(){return N}};w._$litElement$=!0,w.finalized=!0,Ot.litElementHydrateSupport?.({LitElement:w});var Ie=Ot.litElementPolyfillSupport;Ie?.({LitElement:w});(Ot.litElementVersions??=[]).push("4.2.2");function Rt(o){return o?.locale?.time_zone==="server"&&o.config?.time_zone?o.config.time_zone:Intl.DateTimeFormat().resolvedOptions().timeZone}function A(o){return o?.locale?.language||o?.language||"en"}function Nt(o,t){let e=new Intl.DateTimeFormat("en-US",{timeZone:o,hourCycle:"h23",year:"numeric",month:"2-digit",day:"2-digit",hour:"2-digit",minute:"2-digit",second:"2-digit"}).formatToParts(new Date(t)),s=i=>Number(e.find(r=>r.type===i).value),n=Date.UTC(s("year"),s("month")-1,s("day"),s("hour"),s("minute"),s("second"));return Math.round((n-Math.floor(t/1e3)*1e3)/6e4)}function et(o){let t=o?.locale?.time_format,e={language:A(o),timeZone:Rt(o)};return(t==="12"||t==="24")&&(e.hour12=t==="12"),e}function F(o,t){return new Intl.DateTimeFormat(t.language,{hour:"2-digit",minute:"2-digit",timeZone:t.timeZone,hour12:t.hour12}).format(new Date(o))}function Ht(o,t){return(o+Nt(t,o)*6e4)%864e5===0}function oe(o,t){return new Intl.DateTimeFormat(t.language,{weekday:"short",timeZone:t.timeZone}).format(new Date(o))}function H(o,t){return new Intl.DateTimeFormat(t.language,{weekday:"short",hour:"2-digit",minute:"2-digit",timeZone:t.timeZone,hour12:t.hour12}).format(new Date(o))}function D(o,t,e,s=2){if(typeof o!="number")return"–";try{return new Intl.NumberFormat(e,{style:"currency",currency:t,minimumFractionDigits:s,maximumFractionDigits:s}).format(o)}catch{return`${o.toFixed(s)} ${t}`}}function P(o,t,e=2){return typeof o!="number"?"–":new Intl.NumberFormat(t,{maximumFractionDigits:e}).format(o)}function u(o){return o==null?Number.NaN:Date.parse(o)}function ie(o,t,e,s){let n=Math.max(t-o,1),i=r=>{let c=e+(r-o)/n*(s-e);return Math.min(Math.max(c,e),s)};return i.start=o,i.end=t,i.x0=e,i.x1=s,i}function Dt(o,t,e,s){let n=t-o||1;return i=>s-(i-o)/n*(s-e)}function re(o){let t=1/0,e=-1/0;for(let n of o)for(let i of[n.price,n.lower,n.upper])typeof i=="number"&&Number.isFinite(i)&&(t=Math.min(t,i),e=Math.max(e,i));if(t===1/0)return{min:0,max:1};if(t<0&&(e=Math.max(e,0)),t===e)return{min:t-.01,max:e+.01};let s=(e-t)*.05;return{min:t-s,max:e+s}}function ae(o,t,e){let s=o.map(c=>u(c.start)).filter(Number.isFinite),n=o.map(c=>u(c.end)).filter(Number.isFinite),i=s.length?Math.min(...s):t,r=n.length?Math.max(...n):t+e*36e5;return{start:i,end:Math.max(r,i+36e5)}}function ce(o){let t=[];for(let e of o){let s=e.origin==="forecast"?"forecast":"market",n=t[t.length-1];n&&n.origin===s&&n.slots[n.slots.length-1].end===e.start?n.slots.push(e):t.push({origin:s,slots:[e]})}return t}function v(o){return Math.round(o*10)/10}function le(o,t,e,s="price"){let n="",i=null;for(let r of o){let c=r[s];if(typeof c!="number"){i=null;continue}let a=v(t(u(r.start))),d=v(t(u(r.end))),l=v(e(c));n+=i===r.start?`V${l}H${d}`:`M${a} ${l}H${d}`,i=r.end}return n}function he(o,t,e){let s=[],n=[],i=()=>{if(!n.length)return;let r="";n.forEach((c,a)=>{let d=v(t(u(c.start))),l=v(t(u(c.end))),h=v(e(c.upper));r+=a===0?`M${d} ${h}H${l}`:`V${h}H${l}`});for(let c=n.length-1;c>=0;c-=1){let a=n[c];r+=`V${v(e(a.lower))}H${v(t(u(a.start)))}`}s.push(`${r}Z`),n=[]};for(let r of o){let c=typeof r.lower=="number"&&typeof r.upper=="number",a=n.length&&n[n.length-1].end===r.start;(!c||n.length&&!a)&&i(),c&&n.push(r)}return i(),s.join("")}function de(o){if(!o)return[];let t=new Map;for(let e of o.appliances??[])t.set(e.appliance_id,{applianceId:e.appliance_id,name:e.name,status:e.status,appliance:e,runs:[],blocked:[]});for(let e of o.plans??[]){let s=t.get(e.appliance_id);s||(s={applianceId:e.appliance_id,name:e.name,status:e.status,appliance:null,runs:[],blocked:[]},t.set(e.appliance_id,s));for(let n of e.runs??[])s.runs.push({...n,status:e.status,occurrence:e});e.issue&&!(e.runs??[]).length&&s.blocked.push(e)}for(let e of t.values())e.runs.sort((s,n)=>u(s.start)-u(n.start));return[...t.values()]}function pe(o,t){let e=u(o.start),s=u(o.end);if(!(s>t.start&&e<t.end))return null;let n=t(e),i=t(s);return{x:n,width:Math.max(i-n,2)}}function ue(o){let t=new Map;for(let i of o??[])for(let r of i.runs??[]){let c=u(r.start),a=u(r.end),d=Number(r.power_kw)||0;!(a>c)||d===0||(t.set(c,(t.get(c)??0)+d),t.set(a,(t.get(a)??0)-d))}let e=[...t.keys()].sort((i,r)=>i-r),s=[],n=0;for(let i=0;i<e.length-1;i+=1)n+=t.get(e[i]),n=Math.round(n*1e6)/1e6,n>0&&s.push({start:e[i],end:e[i+1],kw:n});return s}function fe(o,t,e){let s="";for(let n of o){let i=v(t(n.start)),r=v(t(n.end));s+=`M${i} ${v(e(0))}V${v(e(n.kw))}H${r}V${v(e(0))}Z`}return s}function me(o,t,e,s=0){let n=(t-o)/36e5,c=([1,2,3,4,6,12,24].find(h=>n/h<=e)??24)*36e5,a=s*6e4,d=Math.ceil((o+a)/c)*c-a,l=[];for(;d<=t;d+=c)l.push(d);return l}var ut={en:{title:"Price plan",market:"Market price",forecast:"Forecast",band:"Forecast band",now:"Now",load:"Planned load",limit:"Household limit",limit_value:"Limit {kw} kW",start:"Start",end:"End",cost:"Cost",savings:"Savings",baseline:"Running at once",energy:"Energy",power:"Power",status:"Status",reason:"Reason",due:"Due",window_start:"Window opens",close:"Close",loading:"Loading the plan…",no_entry:"No Price Optimizer entry is loaded.",no_plan:"No plan yet: {error}",no_runs:"Nothing planned",blocked:"Not planned","status.scheduled":"Scheduled","status.running":"Running","status.blocked":"Blocked","status.idle":"Idle","status.done":"Done","editor.config_entry":"Price Optimizer entry (empty: the only one)","editor.title":"Title","editor.hours_ahead":"Hours ahead","editor.show_forecast":"Show forecast prices and band","editor.show_load":"Show planned load and household limit","editor.show_appliances":"Show appliance runs","editor.entry":"Price Optimizer entry (empty: every entry)","household.title":"Appliances","household.next_run":"Next run","household.planned_cost":"Planned cost","household.expected_savings":"Expected savings","household.realised_savings":"Saved so far","household.automatic_control":"Automatic control","household.none":"No appliances yet: add one with the entry's Add appliance.","unit.kw":"{value} kW","unit.kwh":"{value} kWh"}};function j(o,t,e={}){return((ut[o]??ut[String(o).split("-")[0]]??ut.en)[t]??ut.en[t]??t).replace(/\{(\w+)\}/g,(i,r)=>r in e?String(e[r]):i)}var nt="price_optimizer",U="price-optimizer-plan-card",Ut={hours_ahead:36,show_forecast:!0,show_load:!0,show_appliances:!0},Le=`${U}:connected`,ze=`${U}:first-render`,Fe=130,je=22,Pt=36,_e=64,b=44,st=8,ge=8,Be=400,We=15*6e4,Ve=6e4;async function $e(o,t,e){return(await o.callWS({type:"call_service",domain:nt,service:t,service_data:e,return_response:!0})).response}async function ye(o){return(await o.callWS({type:"config_entries/get",domain:nt})).filter(e=>e.state==="loaded")}function Ge(o,t){if(!o?.states)return"";let e=o.devices??{},s=[];for(let n of Object.values(o.entities??{})){if(n.platform!==nt)continue;let i=e[n.device_id];if(t&&i&&!(i.config_entries??[]).includes(t))continue;let r=o.states[n.entity_id];r&&s.push(`${n.entity_id}=${r.last_updated}`)}return s.sort().join("|")}var T=class T extends w{static getConfigElement(){return document.createElement(`${U}-editor`)}static async getStubConfig(t){try{let[e]=await ye(t);return e?{config_entry:e.entry_id}:{}}catch{return{}}}constructor(){super(),this._width=600,this._now=Date.now(),this._signature=null,this._entryId=null}setConfig(t){if(!t||typeof t!="object")throw new Error("Invalid configuration");this._config={...Ut,...t},this._signature=null,this._plan=void 0,this._forecast=void 0}getCardSize(){return 6}getGridOptions(){return{columns:12,min_columns:6,rows:"auto"}}connectedCallback(){super.connectedCallback(),T._connectedMarked||(T._connectedMarked=!0,globalThis.performance?.mark?.(Le)),this._clock=setInterval(()=>{this._now=Date.now()},Ve),this._poll=setInterval(()=>this._refresh(),We),this._resize=new ResizeObserver(t=>{let e=Math.round(t[0].contentRect.width)-16;e>0&&Math.abs(e-this._width)>=4&&(this._width=e)}),this._resize.observe(this)}disconnectedCallback(){super.disconnectedCallback(),clearInterval(this._clock),clearInterval(this._poll),clearTimeout(this._debounce),this._resize?.disconnect(),this._resize=null}_t(t,e){return j(A(this.hass),t,e)}updated(t){if(t.has("hass")&&this.hass&&this._config){let e=Ge(this.hass,this._config.config_entry??this._entryId);if(e!==this._signature){let s=this._signature===null;this._signature=e,clearTimeout(this._debounce),s?this._refresh():this._debounce=setTimeout(()=>this._refresh(),Be)}}this._plan&&!T._firstRenderMarked&&(T._firstRenderMarked=!0,globalThis.performance?.mark?.(ze))}async _entry(){if(this._config.config_entry)return this._config.config_entry;if(!this._entryId){let[t]=await ye(this.hass);this._entryId=t?.entry_id??null}return this._entryId}async _refresh(){if(!(!this.hass||!this._config)){if(this._loading){this._again=!0;return}this._loading=!0,this._again=!1;try{let t=await this._entry();if(!t){this._error=this._t("no_entry");return}let[e,s]=await Promise.all([$e(this.hass,"get_plan",{config_entry:t}),$e(this.hass,"get_forecast",{config_entry:t,hours_ahead:this._config.hours_ahead,include_bands:!!this._config.show_forecast})]);this._plan=e,this._forecast=s,this._error=void 0,this._now=Date.now(),this._loadReasons()}catch(t){this._error=this._t("no_plan",{error:t?.message??String(t)})}finally{this._loading=!1,this._again&&this._refresh()}}}async _loadReasons(){if(!(this._reasons||!this.hass?.loadBackendTranslation))try{this._reasons=await this.hass.loadBackendTranslation("exceptions",nt),this.requestUpdate()}catch{this._reasons=null}}_reason(t){if(!t)return"";let e=`component.${nt}.exceptions.${t.code}.message`;return this._reasons?.(e,t.placeholders??{})||t.code}render(){if(!this._config)return p;let t=this._config.title??this._t("title"),e;return this._plan&&this._forecast?e=this._renderTimeline():this._error?e=m`<div class="message">${this._error}</div>`:e=m`<div class="message">${this._t("loading")}</div>`,m`<ha-card .header=${t||void 0}>
      <div class="timeline">${e}</div>
      ${this._renderDetails()}
    </ha-card>`}_renderTimeline(){let t=this._config,e=A(this.hass),s=Rt(this.hass),n=et(this.hass),i=this._forecast.slots??[],r=t.show_forecast?i:i.filter(g=>g.origin!=="forecast"),c=this._forecast.currency??this._plan.currency,a=ae(i,this._now,t.hours_ahead),d=Math.max(this._width,280),l=ie(a.start,a.end,b,d-st),h=t.show_appliances?de(this._plan):[],_=t.show_load?ue(this._plan.plans):[],f=this._plan.household_limit_kw,y=ge,C=ge+Fe,V=re(r),it=Dt(V.min,V.max,y,C),Lt=C+je+4,rt=Lt+h.length*Pt+(h.length?6:0),_t=t.show_load&&(_.length||typeof f=="number"),at=rt+(_t?_e+8:0),gt=Math.max(..._.map(g=>g.kw),typeof f=="number"?f:0,1),G=Dt(0,gt*1.05,rt+16,rt+_e),xe=me(a.start,a.end,Math.floor((d-b)/56),Nt(s,a.start)),$t=l(this._now),ve=this._now>=a.start&&this._now<=a.end,we=ce(r),ct=u(this._forecast.known_until);return m`
      <svg
        class="chart"
        data-from=${new Date(a.start).toISOString()}
        data-to=${new Date(a.end).toISOString()}
        viewBox="0 0 ${d} ${at}"
        width="100%"
        height=${at}
        role="img"
        aria-label=${this._t("title")}
      >
        ${xe.map(g=>x`<line class="grid" x1=${l(g)} x2=${l(g)} y1=${y} y2=${at-4}></line>
            <text class="tick${Ht(g,s)?" day":""}" x=${l(g)} y=${C+15} text-anchor="middle">${Ht(g,s)?oe(g,n):F(g,n)}</text>`)}
        <text class="axis" x=${b-4} y=${y+10} text-anchor="end">${P(V.max,e,2)}</text>
        <text class="axis" x=${b-4} y=${C} text-anchor="end">${P(V.min,e,2)}</text>
        <text class="axis unit" x=${b-4} y=${y+22} text-anchor="end">${c}/kWh</text>
        ${V.min<0?x`<line class="zero" x1=${b} x2=${d-st} y1=${it(0)} y2=${it(0)}></line>`:p}
        ${t.show_forecast?x`<path class="band" d=${he(r,l,it)}></path>`:p}
        ${Number.isFinite(ct)&&t.show_forecast&&ct<a.end?x`<line class="known-until" x1=${l(ct)} x2=${l(ct)} y1=${y} y2=${C}></line>`:p}
        ${we.map(g=>x`<path class="price ${g.origin}" data-origin=${g.origin} d=${le(g.slots,l,it)}></path>`)}
        ${h.map((g,be)=>this._renderLane(g,Lt+be*Pt,l,d,c,n))}
        ${_t?x`<g class="load-panel">
              <text class="lane-name" x=${b} y=${rt+10}>${this._t("load")}</text>
              <text class="axis" x=${b-4} y=${G(gt)+4} text-anchor="end">${P(gt,e,1)} kW</text>
              <path class="load" d=${fe(_,l,G)}></path>
              ${typeof f=="number"?x`<line class="limit" x1=${b} x2=${d-st} y1=${G(f)} y2=${G(f)}></line>
                  <text class="limit-label" x=${d-st-2} y=${G(f)-3} text-anchor="end">${this._t("limit_value",{kw:P(f,e,1)})}</text>`:p}
            </g>`:p}
        ${ve?x`<line class="now" x1=${$t} x2=${$t} y1=${y} y2=${at-4}></line>
            <text class="now-label" x=${$t+3} y=${y+10}>${this._t("now")}</text>`:p}
      </svg>
      ${this._renderLegend(_t,typeof f=="number")}
    `}_renderLane(t,e,s,n,i,r){let c=e+14,a=Pt-18,d=t.blocked.length&&!t.runs.length;return x`<g class="lane" data-appliance=${t.applianceId}>
      <text class="lane-name" x=${b} y=${e+10}>${t.name}${d?` · ${this._t("blocked")}`:t.runs.length?"":` · ${this._t("no_runs")}`}</text>
      <line class="lane-base" x1=${b} x2=${n-st} y1=${c+a/2} y2=${c+a/2}></line>
      ${t.blocked.map(l=>{let h=Math.max(u(l.window_start),s.start),_=Math.min(u(l.due),s.end);return _>h?x`<rect class="blocked" tabindex="0" role="button"
          x=${s(h)} y=${c} width=${Math.max(s(_)-s(h),2)} height=${a} rx="3"
          aria-label=${`${t.name}: ${this._reason(l.issue)}`}
          @click=${()=>this._select({lane:t,occurrence:l})}
          @keydown=${f=>this._key(f,{lane:t,occurrence:l})}></rect>`:p})}
      ${t.runs.map(l=>{let h=pe(l,s);if(!h)return p;let _=D(l.cost,i,r.language),f=`${F(u(l.start),r)}–${F(u(l.end),r)}`,y=this._selected?.run===l;return x`<g class="run ${l.status}${y?" selected":""}" tabindex="0" role="button"
            data-start=${l.start} data-end=${l.end} data-cost=${l.cost??""}
            aria-label=${`${t.name} ${f}, ${_}`}
            @click=${()=>this._select({lane:t,run:l,occurrence:l.occurrence})}
            @keydown=${C=>this._key(C,{lane:t,run:l,occurrence:l.occurrence})}>
          <rect x=${h.x} y=${c} width=${h.width} height=${a} rx="3"></rect>
          ${h.width>46?x`<text class="run-label" x=${h.x+h.width/2} y=${c+a/2+4} text-anchor="middle">${_}</text>`:p}
        </g>`})}
    </g>`}_renderLegend(t,e){let s=this._config;return m`<div class="legend">
      <span><i class="swatch market"></i>${this._t("market")}</span>
      ${s.show_forecast?m`<span><i class="swatch forecast"></i>${this._t("forecast")}</span>
            <span><i class="swatch band"></i>${this._t("band")}</span>`:p}
      <span><i class="swatch now"></i>${this._t("now")}</span>
      ${t?m`<span><i class="swatch load"></i>${this._t("load")}</span>`:p}
      ${e?m`<span><i class="swatch limit"></i>${this._t("limit")}</span>`:p}
    </div>`}_key(t,e){(t.key==="Enter"||t.key===" ")&&(t.preventDefault(),this._select(e))}_select(t){let e=this._selected&&this._selected.run===t.run&&this._selected.occurrence===t.occurrence;this._selected=e?void 0:t}_renderDetails(){let t=this._selected;if(!t||!this._plan)return p;let e=A(this.hass),s=et(this.hass),n=this._plan.currency,{lane:i,run:r,occurrence:c}=t,a=[[this._t("status"),this._t(`status.${c.status}`)]];return r?a.push([this._t("start"),H(u(r.start),s)],[this._t("end"),H(u(r.end),s)],[this._t("cost"),D(r.cost,n,e,4)],[this._t("energy"),this._t("unit.kwh",{value:P(r.energy_kwh,e,2)})],[this._t("power"),this._t("unit.kw",{value:P(r.power_kw,e,2)})],[this._t("savings"),D(c.savings,n,e,4)],[this._t("baseline"),D(c.baseline_cost,n,e,4)]):a.push([this._t("window_start"),H(u(c.window_start),s)],[this._t("due"),H(u(c.due),s)]),c.issue&&a.push([this._t("reason"),this._reason(c.issue)]),m`<div class="details" role="dialog" aria-label=${i.name}>
      <div class="details-head">
        <strong>${i.name}</strong>
        <button class="close" @click=${()=>this._selected=void 0} aria-label=${this._t("close")}>✕</button>
      </div>
      <dl>
        ${a.map(([d,l])=>m`<dt>${d}</dt><dd>${l}</dd>`)}
      </dl>
    </div>`}};$(T,"properties",{hass:{attribute:!1},_config:{state:!0},_plan:{state:!0},_forecast:{state:!0},_error:{state:!0},_selected:{state:!0},_width:{state:!0},_now:{state:!0}}),$(T,"styles",K`
    :host {
      --po-market: var(--primary-color, #03a9f4);
      --po-forecast: var(--warning-color, #ff9800);
      --po-now: var(--error-color, #db4437);
      --po-run: var(--accent-color, #ff9800);
      --po-running: var(--success-color, #43a047);
      --po-load: var(--info-color, #039be5);
      --po-limit: var(--error-color, #db4437);
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
    .lane-name {
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
  `);var ft=T;var Ze=[{name:"config_entry",selector:{config_entry:{integration:"price_optimizer"}}},{name:"title",selector:{text:{}}},{name:"hours_ahead",selector:{number:{min:1,max:48,step:1,mode:"box",unit_of_measurement:"h"}}},{name:"show_appliances",selector:{boolean:{}}},{name:"show_forecast",selector:{boolean:{}}},{name:"show_load",selector:{boolean:{}}}],S=class extends w{setConfig(t){this._config=t}render(){return!this.hass||!this._config?p:m`<ha-form
      .hass=${this.hass}
      .data=${{...this.constructor.defaults,...this._config}}
      .schema=${this.constructor.schema}
      .computeLabel=${t=>j(A(this.hass),`editor.${t.name}`)}
      @value-changed=${this._changed}
    ></ha-form>`}_changed(t){t.stopPropagation();let e=this.constructor.defaults,s={...t.detail.value};for(let[n,i]of Object.entries(s))(i===""||i===void 0||i===e[n])&&delete s[n];s.type=this._config.type??`custom:${this.constructor.cardTag}`,this._config=s,this.dispatchEvent(new CustomEvent("config-changed",{detail:{config:s},bubbles:!0,composed:!0}))}};$(S,"properties",{hass:{attribute:!1},_config:{state:!0}}),$(S,"schema",[]),$(S,"defaults",{}),$(S,"cardTag","");var I=class extends S{};$(I,"schema",Ze),$(I,"defaults",Ut),$(I,"cardTag",U);var Ke="price_optimizer",qe=["status","next_start","next_end","planned_cost","expected_savings","realised_savings","run_now","automatic_control"];function It(o,t){let e=o?.devices??{},s=new Map;for(let i of Object.values(o?.entities??{})){if(i.platform!==Ke||!i.device_id||!qe.includes(i.translation_key))continue;let r=e[i.device_id];!r||t&&!(r.config_entries??[]).includes(t)||(s.has(i.device_id)||s.set(i.device_id,{}),s.get(i.device_id)[i.translation_key]=i.entity_id)}let n=[];for(let[i,r]of s){if(!r.status)continue;let c=e[i];n.push({deviceId:i,name:c.name_by_user||c.name||i,entities:r})}return n.sort((i,r)=>i.name.localeCompare(r.name))}var ot="price-optimizer-household-card",Ye="–",Je=new Set(["unknown","unavailable",""]);function mt(o){return o&&!Je.has(o.state)?o:void 0}var B=class extends w{static getConfigElement(){return document.createElement(`${ot}-editor`)}static getStubConfig(){return{}}setConfig(t){if(!t||typeof t!="object")throw new Error("Invalid configuration");this._config={...t}}getCardSize(){return 1+2*It(this.hass,this._config?.entry).length}getGridOptions(){return{columns:12,min_columns:4,rows:"auto"}}_t(t,e){return j(A(this.hass),t,e)}_state(t){return t?this.hass.states?.[t]:void 0}_formatted(t,e){return mt(t)?this.hass.formatEntityState?.(t)??e(t):Ye}_money(t){let e=A(this.hass);return this._formatted(this._state(t),s=>D(Number(s.state),s.attributes?.unit_of_measurement??"",e))}_nextRun(t){let e=mt(this._state(t.entities.next_start)),s=mt(this._state(t.entities.next_end));if(!e||!s)return m`<dd class="next-run">${this._t("no_runs")}</dd>`;let n=et(this.hass),i=Date.parse(e.state),r=Date.parse(s.state);return m`<dd class="next-run" data-start=${e.state} data-end=${s.state}>
      ${H(i,n)}–${F(r,n)}
    </dd>`}_moreInfo(t){this.dispatchEvent(new CustomEvent("hass-more-info",{detail:{entityId:t},bubbles:!0,composed:!0}))}_toggle(t,e,s){t.stopPropagation(),this.hass.callService("switch",s?"turn_off":"turn_on",{entity_id:e})}render(){if(!this._config||!this.hass)return p;let t=It(this.hass,this._config.entry),e=this._config.title??this._t("household.title");return m`<ha-card .header=${e||void 0}>
      <div class="appliances${e?"":" bare"}">
        ${t.length?t.map(s=>this._renderAppliance(s)):m`<div class="message">${this._t("household.none")}</div>`}
      </div>
    </ha-card>`}_renderAppliance(t){let{entities:e}=t,s=this._state(e.status),n=this._state(e.automatic_control),i=n?.state==="on",r=this._formatted(s,a=>this._t(`status.${a.state}`)),c=()=>this._moreInfo(e.status);return m`<div
      class="appliance"
      role="button"
      tabindex="0"
      data-device=${t.deviceId}
      aria-label=${`${t.name}: ${r}`}
      @click=${c}
      @keydown=${a=>{(a.key==="Enter"||a.key===" ")&&(a.preventDefault(),c())}}
    >
      <div class="head">
        <span class="name">${t.name}</span>
        <span class="status ${s?.state??"unknown"}">${r}</span>
      </div>
      <dl class="figures">
        <div><dt>${this._t("household.next_run")}</dt>${this._nextRun(t)}</div>
        <div><dt>${this._t("household.planned_cost")}</dt><dd class="planned-cost">${this._money(e.planned_cost)}</dd></div>
        <div><dt>${this._t("household.expected_savings")}</dt><dd class="expected-savings">${this._money(e.expected_savings)}</dd></div>
        <div><dt>${this._t("household.realised_savings")}</dt><dd class="realised-savings">${this._money(e.realised_savings)}</dd></div>
      </dl>
      ${e.automatic_control?m`<label class="control" @click=${a=>a.stopPropagation()}>
            <span>${this._t("household.automatic_control")}</span>
            <ha-switch
              .checked=${i}
              .disabled=${!mt(n)}
              aria-label=${`${t.name}: ${this._t("household.automatic_control")}`}
              @change=${a=>this._toggle(a,e.automatic_control,i)}
            ></ha-switch>
          </label>`:p}
    </div>`}};$(B,"properties",{hass:{attribute:!1},_config:{state:!0}}),$(B,"styles",K`
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
  `);var Xe=[{name:"entry",selector:{config_entry:{integration:"price_optimizer"}}},{name:"title",selector:{text:{}}}],W=class extends S{};$(W,"schema",Xe),$(W,"cardTag",ot);var Qe="https://github.com/price-optimizer/price_optimizer#dashboard",ts=[{type:U,card:ft,editor:I,name:"Price Optimizer plan",description:"Prices, the forecast with its band, and every planned run on one timeline."},{type:ot,card:B,editor:W,name:"Price Optimizer household",description:"Every appliance with its status, next run, cost, savings and automatic control."}];window.customCards=window.customCards||[];for(let{type:o,card:t,editor:e,name:s,description:n}of ts)customElements.get(o)||customElements.define(o,t),customElements.get(`${o}-editor`)||customElements.define(`${o}-editor`,e),window.customCards.some(i=>i.type===o)||window.customCards.push({type:o,name:s,description:n,preview:!1,documentationURL:Qe});
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

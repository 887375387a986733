var ge=Object.defineProperty;var ye=(i,t,e)=>t in i?ge(i,t,{enumerable:!0,configurable:!0,writable:!0,value:e}):i[t]=e;var I=(i,t,e)=>ye(i,typeof t!="symbol"?t+"":t,e);var et=globalThis,st=et.ShadowRoot&&(et.ShadyCSS===void 0||et.ShadyCSS.nativeShadow)&&"adoptedStyleSheets"in Document.prototype&&"replace"in CSSStyleSheet.prototype,ut=Symbol(),Pt=new WeakMap,L=class{constructor(t,e,s){if(this._$cssResult$=!0,s!==ut)throw Error("CSSResult is not constructable. Use `unsafeCSS` or `css` instead.");this.cssText=t,this.t=e}get styleSheet(){let t=this.o,e=this.t;if(st&&t===void 0){let s=e!==void 0&&e.length===1;s&&(t=Pt.get(e)),t===void 0&&((this.o=t=new CSSStyleSheet).replaceSync(this.cssText),s&&Pt.set(e,t))}return t}toString(){return this.cssText}},Nt=i=>new L(typeof i=="string"?i:i+"",void 0,ut),ft=(i,...t)=>{let e=i.length===1?i[0]:t.reduce((s,n,o)=>s+(r=>{if(r._$cssResult$===!0)return r.cssText;if(typeof r=="number")return r;throw Error("Value passed to 'css' function must be a 'css' function result: "+r+". Use 'unsafeCSS' to pass non-literal values, but take care to ensure page security.")})(n)+i[o+1],i[0]);return new L(e,i,ut)},Ut=(i,t)=>{if(st)i.adoptedStyleSheets=t.map(e=>e instanceof CSSStyleSheet?e:e.styleSheet);else for(let e of t){let s=document.createElement("style"),n=et.litNonce;n!==void 0&&s.setAttribute("nonce",n),s.textContent=e.cssText,i.appendChild(s)}},_t=st?i=>i:i=>i instanceof CSSStyleSheet?(t=>{let e="";for(let s of t.cssRules)e+=s.cssText;return Nt(e)})(i):i;var{is:we,defineProperty:xe,getOwnPropertyDescriptor:be,getOwnPropertyNames:ve,getOwnPropertySymbols:Ae,getPrototypeOf:Se}=Object,nt=globalThis,Dt=nt.trustedTypes,ke=Dt?Dt.emptyScript:"",Ee=nt.reactiveElementPolyfillSupport,z=(i,t)=>i,mt={toAttribute(i,t){switch(t){case Boolean:i=i?ke:null;break;case Object:case Array:i=i==null?i:JSON.stringify(i)}return i},fromAttribute(i,t){let e=i;switch(t){case Boolean:e=i!==null;break;case Number:e=i===null?null:Number(i);break;case Object:case Array:try{e=JSON.parse(i)}catch{e=null}}return e}},Lt=(i,t)=>!we(i,t),It={attribute:!0,type:String,converter:mt,reflect:!1,useDefault:!1,hasChanged:Lt};Symbol.metadata??=Symbol("metadata"),nt.litPropertyMetadata??=new WeakMap;var A=class extends HTMLElement{static addInitializer(t){this._$Ei(),(this.l??=[]).push(t)}static get observedAttributes(){return this.finalize(),this._$Eh&&[...this._$Eh.keys()]}static createProperty(t,e=It){if(e.state&&(e.attribute=!1),this._$Ei(),this.prototype.hasOwnProperty(t)&&((e=Object.create(e)).wrapped=!0),this.elementProperties.set(t,e),!e.noAccessor){let s=Symbol(),n=this.getPropertyDescriptor(t,s,e);n!==void 0&&xe(this.prototype,t,n)}}static getPropertyDescriptor(t,e,s){let{get:n,set:o}=be(this.prototype,t)??{get(){return this[e]},set(r){this[e]=r}};return{get:n,set(r){let c=n?.call(this);o?.call(this,r),this.requestUpdate(t,c,s)},configurable:!0,enumerable:!0}}static getPropertyOptions(t){return this.elementProperties.get(t)??It}static _$Ei(){if(this.hasOwnProperty(z("elementProperties")))return;let t=Se(this);t.finalize(),t.l!==void 0&&(this.l=[...t.l]),this.elementProperties=new Map(t.elementProperties)}static finalize(){if(this.hasOwnProperty(z("finalized")))return;if(this.finalized=!0,this._$Ei(),this.hasOwnProperty(z("properties"))){let e=this.properties,s=[...ve(e),...Ae(e)];for(let n of s)this.createProperty(n,e[n])}let t=this[Symbol.metadata];if(t!==null){let e=litPropertyMetadata.get(t);if(e!==void 0)for(let[s,n]of e)this.elementProperties.set(s,n)}this._$Eh=new Map;for(let[e,s]of this.elementProperties){let n=this._$Eu(e,s);n!==void 0&&this._$Eh.set(n,e)}this.elementStyles=this.finalizeStyles(this.styles)}static finalizeStyles(t){let e=[];if(Array.isArray(t)){let s=new Set(t.flat(1/0).reverse());for(let n of s)e.unshift(_t(n))}else t!==void 0&&e.push(_t(t));return e}static _$Eu(t,e){let s=e.attribute;return s===!1?void 0:typeof s=="string"?s:typeof t=="string"?t.toLowerCase():void 0}constructor(){super(),this._$Ep=void 0,this.isUpdatePending=!1,this.hasUpdated=!1,this._$Em=null,this._$Ev()}_$Ev(){this._$ES=new Promise(t=>this.enableUpdating=t),this._$AL=new Map,this._$E_(),this.requestUpdate(),this.constructor.l?.forEach(t=>t(this))}addController(t){(this._$EO??=new Set).add(t),this.renderRoot!==void 0&&this.isConnected&&t.hostConnected?.()}removeController(t){this._$EO?.delete(t)}_$E_(){let t=new Map,e=this.constructor.elementProperties;for(let s of e.keys())this.hasOwnProperty(s)&&(t.set(s,this[s]),delete this[s]);t.size>0&&(this._$Ep=t)}createRenderRoot(){let t=this.shadowRoot??this.attachShadow(this.constructor.shadowRootOptions);return Ut(t,this.constructor.elementStyles),t}connectedCallback(){this.renderRoot??=this.createRenderRoot(),this.enableUpdating(!0),this._$EO?.forEach(t=>t.hostConnected?.())}enableUpdating(t){}disconnectedCallback(){this._$EO?.forEach(t=>t.hostDisconnected?.())}attributeChangedCallback(t,e,s){this._$AK(t,s)}_$ET(t,e){let s=this.constructor.elementProperties.get(t),n=this.constructor._$Eu(t,s);if(n!==void 0&&s.reflect===!0){let o=(s.converter?.toAttribute!==void 0?s.converter:mt).toAttribute(e,s.type);this._$Em=t,o==null?this.removeAttribute(n):this.setAttribute(n,o),this._$Em=null}}_$AK(t,e){let s=this.constructor,n=s._$Eh.get(t);if(n!==void 0&&this._$Em!==n){let o=s.getPropertyOptions(n),r=typeof o.converter=="function"?{fromAttribute:o.converter}:o.converter?.fromAttribute!==void 0?o.converter:mt;this._$Em=n;let c=r.fromAttribute(e,o.type);this[n]=c??this._$Ej?.get(n)??c,this._$Em=null}}requestUpdate(t,e,s,n=!1,o){if(t!==void 0){let r=this.constructor;if(n===!1&&(o=this[t]),s??=r.getPropertyOptions(t),!((s.hasChanged??Lt)(o,e)||s.useDefault&&s.reflect&&o===this._$Ej?.get(t)&&!this.hasAttribute(r._$Eu(t,s))))return;this.C(t,e,s)}this.isUpdatePending===!1&&(this._$ES=this._$EP())}C(t,e,{useDefault:s,reflect:n,wrapped:o},r){s&&!(this._$Ej??=new Map).has(t)&&(this._$Ej.set(t,r??e??this[t]),o!==!0||r!==void 0)||(this._$AL.has(t)||(this.hasUpdated||s||(e=void 0),this._$AL.set(t,e)),n===!0&&this._$Em!==t&&(this._$Eq??=new Set).add(t))}async _$EP(){this.isUpdatePending=!0;try{await this._$ES}catch(e){Promise.reject(e)}let t=this.scheduleUpdate();return t!=null&&await t,!this.isUpdatePending}scheduleUpdate(){return this.performUpdate()}performUpdate(){if(!this.isUpdatePending)return;if(!this.hasUpdated){if(this.renderRoot??=this.createRenderRoot(),this._$Ep){for(let[n,o]of this._$Ep)this[n]=o;this._$Ep=void 0}let s=this.constructor.elementProperties;if(s.size>0)for(let[n,o]of s){let{wrapped:r}=o,c=this[n];r!==!0||this._$AL.has(n)||c===void 0||this.C(n,void 0,o,c)}}let t=!1,e=this._$AL;try{t=this.shouldUpdate(e),t?(this.willUpdate(e),this._$EO?.forEach(s=>s.hostUpdate?.()),this.update(e)):this._$EM()}catch(s){throw t=!1,this._$EM(),s}t&&this._$AE(e)}willUpdate(t){}_$AE(t){this._$EO?.forEach(e=>e.hostUpdated?.()),this.hasUpdated||(this.hasUpdated=!0,this.firstUpdated(t)),this.updated(t)}_$EM(){this._$AL=new Map,this.isUpdatePending=!1}get updateComplete(){return this.getUpdateComplete()}getUpdateComplete(){return this._$ES}shouldUpdate(t){return!0}update(t){this._$Eq&&=this._$Eq.forEach(e=>this._$ET(e,this[e])),this._$EM()}updated(t){}firstUpdated(t){}};A.elementStyles=[],A.shadowRootOptions={mode:"open"},A[z("elementProperties")]=new Map,A[z("finalized")]=new Map,Ee?.({ReactiveElement:A}),(nt.reactiveElementVersions??=[]).push("2.1.2");var vt=globalThis,zt=i=>i,it=vt.trustedTypes,Ft=it?it.createPolicy("lit-html",{createHTML:i=>i}):void 0,Gt="$lit$",S=`lit$${Math.random().toFixed(9).slice(2)}$`,Kt="?"+S,Ce=`<${Kt}>`,M=document,B=()=>M.createComment(""),j=i=>i===null||typeof i!="object"&&typeof i!="function",At=Array.isArray,Te=i=>At(i)||typeof i?.[Symbol.iterator]=="function",$t=`[ 	
\f\r]`,F=/<(?:(!--|\/[^a-zA-Z])|(\/?[a-zA-Z][^>\s]*)|(\/?$))/g,Bt=/-->/g,jt=/>/g,C=RegExp(`>|${$t}(?:([^\\s"'>=/]+)(${$t}*=${$t}*(?:[^ 	
\f\r"'\`<>=]|("|')|))|$)`,"g"),Wt=/'/g,Vt=/"/g,qt=/^(?:script|style|textarea|title)$/i,St=i=>(t,...e)=>({_$litType$:i,strings:t,values:e}),g=St(1),y=St(2),Ke=St(3),R=Symbol.for("lit-noChange"),p=Symbol.for("lit-nothing"),Zt=new WeakMap,T=M.createTreeWalker(M,129);function Yt(i,t){if(!At(i)||!i.hasOwnProperty("raw"))throw Error("invalid template strings array");return Ft!==void 0?Ft.createHTML(t):t}var Me=(i,t)=>{let e=i.length-1,s=[],n,o=t===2?"<svg>":t===3?"<math>":"",r=F;for(let c=0;c<e;c++){let a=i[c],d,l,h=-1,_=0;for(;_<a.length&&(r.lastIndex=_,l=r.exec(a),l!==null);)_=r.lastIndex,r===F?l[1]==="!--"?r=Bt:l[1]!==void 0?r=jt:l[2]!==void 0?(qt.test(l[2])&&(n=RegExp("</"+l[2],"g")),r=C):l[3]!==void 0&&(r=C):r===C?l[0]===">"?(r=n??F,h=-1):l[1]===void 0?h=-2:(h=r.lastIndex-l[2].length,d=l[1],r=l[3]===void 0?C:l[3]==='"'?Vt:Wt):r===Vt||r===Wt?r=C:r===Bt||r===jt?r=F:(r=C,n=void 0);let f=r===C&&i[c+1].startsWith("/>")?" ":"";o+=r===F?a+Ce:h>=0?(s.push(d),a.slice(0,h)+Gt+a.slice(h)+S+f):a+S+(h===-2?c:f)}return[Yt(i,o+(i[e]||"<?>")+(t===2?"</svg>":t===3?"</math>":"")),s]},W=class i{constructor({strings:t,_$litType$:e},s){let n;this.parts=[];let o=0,r=0,c=t.length-1,a=this.parts,[d,l]=Me(t,e);if(this.el=i.createElement(d,s),T.currentNode=this.el.content,e===2||e===3){let h=this.el.content.firstChild;h.replaceWith(...h.childNodes)}for(;(n=T.nextNode())!==null&&a.length<c;){if(n.nodeType===1){if(n.hasAttributes())for(let h of n.getAttributeNames())if(h.endsWith(Gt)){let _=l[r++],f=n.getAttribute(h).split(S),$=/([.?@])?(.*)/.exec(_);a.push({type:1,index:o,name:$[2],strings:f,ctor:$[1]==="."?yt:$[1]==="?"?wt:$[1]==="@"?xt:N}),n.removeAttribute(h)}else h.startsWith(S)&&(a.push({type:6,index:o}),n.removeAttribute(h));if(qt.test(n.tagName)){let h=n.textContent.split(S),_=h.length-1;if(_>0){n.textContent=it?it.emptyScript:"";for(let f=0;f<_;f++)n.append(h[f],B()),T.nextNode(),a.push({type:2,index:++o});n.append(h[_],B())}}}else if(n.nodeType===8)if(n.data===Kt)a.push({type:2,index:o});else{let h=-1;for(;(h=n.data.indexOf(S,h+1))!==-1;)a.push({type:7,index:o}),h+=S.length-1}o++}}static createElement(t,e){let s=M.createElement("template");return s.innerHTML=t,s}};function P(i,t,e=i,s){if(t===R)return t;let n=s!==void 0?e._$Co?.[s]:e._$Cl,o=j(t)?void 0:t._$litDirective$;return n?.constructor!==o&&(n?._$AO?.(!1),o===void 0?n=void 0:(n=new o(i),n._$AT(i,e,s)),s!==void 0?(e._$Co??=[])[s]=n:e._$Cl=n),n!==void 0&&(t=P(i,n._$AS(i,t.values),n,s)),t}var gt=class{constructor(t,e){this._$AV=[],this._$AN=void 0,this._$AD=t,this._$AM=e}get parentNode(){return this._$AM.parentNode}get _$AU(){return this._$AM._$AU}u(t){let{el:{content:e},parts:s}=this._$AD,n=(t?.creationScope??M).importNode(e,!0);T.currentNode=n;let o=T.nextNode(),r=0,c=0,a=s[0];for(;a!==void 0;){if(r===a.index){let d;a.type===2?d=new V(o,o.nextSibling,this,t):a.type===1?d=new a.ctor(o,a.name,a.strings,this,t):a.type===6&&(d=new bt(o,this,t)),this._$AV.push(d),a=s[++c]}r!==a?.index&&(o=T.nextNode(),r++)}return T.currentNode=M,n}p(t){let e=0;for(let s of this._$AV)s!==void 0&&(s.strings!==void 0?(s._$AI(t,s,e),e+=s.strings.length-2):s._$AI(t[e])),e++}},V=class i{get _$AU(){return this._$AM?._$AU??this._$Cv}constructor(t,e,s,n){this.type=2,this._$AH=p,this._$AN=void 0,this._$AA=t,this._$AB=e,this._$AM=s,this.options=n,this._$Cv=n?.isConnected??!0}get parentNode(){let t=this._$AA.parentNode,e=this._$AM;return e!==void 0&&t?.nodeType===11&&(t=e.parentNode),t}get startNode(){return this._$AA}get endNode(){return this._$AB}_$AI(t,e=this){t=P(this,t,e),j(t)?t===p||t==null||t===""?(this._$AH!==p&&this._$AR(),this._$AH=p):t!==this._$AH&&t!==R&&this._(t):t._$litType$!==void 0?this.$(t):t.nodeType!==void 0?this.T(t):Te(t)?this.k(t):this._(t)}O(t){return this._$AA.parentNode.insertBefore(t,this._$AB)}T(t){this._$AH!==t&&(this._$AR(),this._$AH=this.O(t))}_(t){this._$AH!==p&&j(this._$AH)?this._$AA.nextSibling.data=t:this.T(M.createTextNode(t)),this._$AH=t}$(t){let{values:e,_$litType$:s}=t,n=typeof s=="number"?this._$AC(t):(s.el===void 0&&(s.el=W.createElement(Yt(s.h,s.h[0]),this.options)),s);if(this._$AH?._$AD===n)this._$AH.p(e);else{let o=new gt(n,this),r=o.u(this.options);o.p(e),this.T(r),this._$AH=o}}_$AC(t){let e=Zt.get(t.strings);return e===void 0&&Zt.set(t.strings,e=new W(t)),e}k(t){At(this._$AH)||(this._$AH=[],this._$AR());let e=this._$AH,s,n=0;for(let o of t)n===e.length?e.push(s=new i(this.O(B()),this.O(B()),this,this.options)):s=e[n],s._$AI(o),n++;n<e.length&&(this._$AR(s&&s._$AB.nextSibling,n),e.length=n)}_$AR(t=this._$AA.nextSibling,e){for(this._$AP?.(!1,!0,e);t!==this._$AB;){let s=zt(t).nextSibling;zt(t).remove(),t=s}}setConnected(t){this._$AM===void 0&&(this._$Cv=t,this._$AP?.(t))}},N=class{get tagName(){return this.element.tagName}get _$AU(){return this._$AM._$AU}constructor(t,e,s,n,o){this.type=1,this._$AH=p,this._$AN=void 0,this.element=t,this.name=e,this._$AM=n,this.options=o,s.length>2||s[0]!==""||s[1]!==""?(this._$AH=Array(s.length-1).fill(new String),this.strings=s):this._$AH=p}_$AI(t,e=this,s,n){let o=this.strings,r=!1;if(o===void 0)t=P(this,t,e,0),r=!j(t)||t!==this._$AH&&t!==R,r&&(this._$AH=t);else{let c=t,a,d;for(t=o[0],a=0;a<o.length-1;a++)d=P(this,c[s+a],e,a),d===R&&(d=this._$AH[a]),r||=!j(d)||d!==this._$AH[a],d===p?t=p:t!==p&&(t+=(d??"")+o[a+1]),this._$AH[a]=d}r&&!n&&this.j(t)}j(t){t===p?this.element.removeAttribute(this.name):this.element.setAttribute(this.name,t??"")}},yt=class extends N{constructor(){super(...arguments),this.type=3}j(t){this.element[this.name]=t===p?void 0:t}},wt=class extends N{constructor(){super(...arguments),this.type=4}j(t){this.element.toggleAttribute(this.name,!!t&&t!==p)}},xt=class extends N{constructor(t,e,s,n,o){super(t,e,s,n,o),this.type=5}_$AI(t,e=this){if((t=P(this,t,e,0)??p)===R)return;let s=this._$AH,n=t===p&&s!==p||t.capture!==s.capture||t.once!==s.once||t.passive!==s.passive,o=t!==p&&(s===p||n);n&&this.element.removeEventListener(this.name,this,s),o&&this.element.addEventListener(this.name,this,t),this._$AH=t}handleEvent(t){typeof this._$AH=="function"?this._$AH.call(this.options?.host??this.element,t):this._$AH.handleEvent(t)}},bt=class{constructor(t,e,s){this.element=t,this.type=6,this._$AN=void 0,this._$AM=e,this.options=s}get _$AU(){return this._$AM._$AU}_$AI(t){P(this,t)}};var Re=vt.litHtmlPolyfillSupport;Re?.(W,V),(vt.litHtmlVersions??=[]).push("3.3.3");var Jt=(i,t,e)=>{let s=e?.renderBefore??t,n=s._$litPart$;if(n===void 0){let o=e?.renderBefore??null;s._$litPart$=n=new V(t.insertBefore(B(),o),o,void 0,e??{})}return n._$AI(i),n};var kt=globalThis,v=class extends A{constructor(){super(...arguments),this.renderOptions={host:this},this._$Do=void 0}createRenderRoot(){let t=super.createRenderRoot();return this.renderOptions.renderBefore??=t.firstChild,t}update(t){let e=this.render();this.hasUpdated||(this.renderOptions.isConnected=this.isConnected),super.update(t),this._$Do=Jt(e,this.renderRoot,this.renderOptions)}connectedCallback(){super.connectedCallback(),this._$Do?.setConnected(!0)}disconnectedCallback(){super.disconnectedCallback(),this._$Do?.setConnected(!1)}render(){return R}};v._$litElement$=!0,v.finalized=!0,kt.litElementHydrateSupport?.({LitElement:v});var Oe=kt.litElementPolyfillSupport;Oe?.({LitElement:v});(kt.litElementVersions??=[]).push("4.2.2");function Et(i){return i?.locale?.time_zone==="server"&&i.config?.time_zone?i.config.time_zone:Intl.DateTimeFormat().resolvedOptions().timeZone}function O(i){return i?.locale?.language||i?.language||"en"}function Ct(i,t){let e=new Intl.DateTimeFormat("en-US",{timeZone:i,hourCycle:"h23",year:"numeric",month:"2-digit",day:"2-digit",hour:"2-digit",minute:"2-digit",second:"2-digit"}).formatToParts(new Date(t)),s=o=>Number(e.find(r=>r.type===o).value),n=Date.UTC(s("year"),s("month")-1,s("day"),s("hour"),s("minute"),s("second"));return Math.round((n-Math.floor(t/1e3)*1e3)/6e4)}function Tt(i){let t=i?.locale?.time_format,e={language:O(i),timeZone:Et(i)};return(t==="12"||t==="24")&&(e.hour12=t==="12"),e}function ot(i,t){return new Intl.DateTimeFormat(t.language,{hour:"2-digit",minute:"2-digit",timeZone:t.timeZone,hour12:t.hour12}).format(new Date(i))}function Mt(i,t){return(i+Ct(t,i)*6e4)%864e5===0}function Xt(i,t){return new Intl.DateTimeFormat(t.language,{weekday:"short",timeZone:t.timeZone}).format(new Date(i))}function Z(i,t){return new Intl.DateTimeFormat(t.language,{weekday:"short",hour:"2-digit",minute:"2-digit",timeZone:t.timeZone,hour12:t.hour12}).format(new Date(i))}function G(i,t,e,s=2){if(typeof i!="number")return"–";try{return new Intl.NumberFormat(e,{style:"currency",currency:t,minimumFractionDigits:s,maximumFractionDigits:s}).format(i)}catch{return`${i.toFixed(s)} ${t}`}}function H(i,t,e=2){return typeof i!="number"?"–":new Intl.NumberFormat(t,{maximumFractionDigits:e}).format(i)}function u(i){return i==null?Number.NaN:Date.parse(i)}function Qt(i,t,e,s){let n=Math.max(t-i,1),o=r=>{let c=e+(r-i)/n*(s-e);return Math.min(Math.max(c,e),s)};return o.start=i,o.end=t,o.x0=e,o.x1=s,o}function Rt(i,t,e,s){let n=t-i||1;return o=>s-(o-i)/n*(s-e)}function te(i){let t=1/0,e=-1/0;for(let n of i)for(let o of[n.price,n.lower,n.upper])typeof o=="number"&&Number.isFinite(o)&&(t=Math.min(t,o),e=Math.max(e,o));if(t===1/0)return{min:0,max:1};if(t<0&&(e=Math.max(e,0)),t===e)return{min:t-.01,max:e+.01};let s=(e-t)*.05;return{min:t-s,max:e+s}}function ee(i,t,e){let s=i.map(c=>u(c.start)).filter(Number.isFinite),n=i.map(c=>u(c.end)).filter(Number.isFinite),o=s.length?Math.min(...s):t,r=n.length?Math.max(...n):t+e*36e5;return{start:o,end:Math.max(r,o+36e5)}}function se(i){let t=[];for(let e of i){let s=e.origin==="forecast"?"forecast":"market",n=t[t.length-1];n&&n.origin===s&&n.slots[n.slots.length-1].end===e.start?n.slots.push(e):t.push({origin:s,slots:[e]})}return t}function w(i){return Math.round(i*10)/10}function ne(i,t,e,s="price"){let n="",o=null;for(let r of i){let c=r[s];if(typeof c!="number"){o=null;continue}let a=w(t(u(r.start))),d=w(t(u(r.end))),l=w(e(c));n+=o===r.start?`V${l}H${d}`:`M${a} ${l}H${d}`,o=r.end}return n}function ie(i,t,e){let s=[],n=[],o=()=>{if(!n.length)return;let r="";n.forEach((c,a)=>{let d=w(t(u(c.start))),l=w(t(u(c.end))),h=w(e(c.upper));r+=a===0?`M${d} ${h}H${l}`:`V${h}H${l}`});for(let c=n.length-1;c>=0;c-=1){let a=n[c];r+=`V${w(e(a.lower))}H${w(t(u(a.start)))}`}s.push(`${r}Z`),n=[]};for(let r of i){let c=typeof r.lower=="number"&&typeof r.upper=="number",a=n.length&&n[n.length-1].end===r.start;(!c||n.length&&!a)&&o(),c&&n.push(r)}return o(),s.join("")}function oe(i){if(!i)return[];let t=new Map;for(let e of i.appliances??[])t.set(e.appliance_id,{applianceId:e.appliance_id,name:e.name,status:e.status,appliance:e,runs:[],blocked:[]});for(let e of i.plans??[]){let s=t.get(e.appliance_id);s||(s={applianceId:e.appliance_id,name:e.name,status:e.status,appliance:null,runs:[],blocked:[]},t.set(e.appliance_id,s));for(let n of e.runs??[])s.runs.push({...n,status:e.status,occurrence:e});e.issue&&!(e.runs??[]).length&&s.blocked.push(e)}for(let e of t.values())e.runs.sort((s,n)=>u(s.start)-u(n.start));return[...t.values()]}function re(i,t){let e=u(i.start),s=u(i.end);if(!(s>t.start&&e<t.end))return null;let n=t(e),o=t(s);return{x:n,width:Math.max(o-n,2)}}function ae(i){let t=new Map;for(let o of i??[])for(let r of o.runs??[]){let c=u(r.start),a=u(r.end),d=Number(r.power_kw)||0;!(a>c)||d===0||(t.set(c,(t.get(c)??0)+d),t.set(a,(t.get(a)??0)-d))}let e=[...t.keys()].sort((o,r)=>o-r),s=[],n=0;for(let o=0;o<e.length-1;o+=1)n+=t.get(e[o]),n=Math.round(n*1e6)/1e6,n>0&&s.push({start:e[o],end:e[o+1],kw:n});return s}function ce(i,t,e){let s="";for(let n of i){let o=w(t(n.start)),r=w(t(n.end));s+=`M${o} ${w(e(0))}V${w(e(n.kw))}H${r}V${w(e(0))}Z`}return s}function le(i,t,e,s=0){let n=(t-i)/36e5,c=([1,2,3,4,6,12,24].find(h=>n/h<=e)??24)*36e5,a=s*6e4,d=Math.ceil((i+a)/c)*c-a,l=[];for(;d<=t;d+=c)l.push(d);return l}var rt={en:{title:"Price plan",market:"Market price",forecast:"Forecast",band:"Forecast band",now:"Now",load:"Planned load",limit:"Household limit",limit_value:"Limit {kw} kW",start:"Start",end:"End",cost:"Cost",savings:"Savings",baseline:"Running at once",energy:"Energy",power:"Power",status:"Status",reason:"Reason",due:"Due",window_start:"Window opens",close:"Close",loading:"Loading the plan…",no_entry:"No Price Optimizer entry is loaded.",no_plan:"No plan yet: {error}",no_runs:"Nothing planned",blocked:"Not planned","status.scheduled":"Scheduled","status.running":"Running","status.blocked":"Blocked","status.idle":"Idle","status.done":"Done","editor.config_entry":"Price Optimizer entry (empty: the only one)","editor.title":"Title","editor.hours_ahead":"Hours ahead","editor.show_forecast":"Show forecast prices and band","editor.show_load":"Show planned load and household limit","editor.show_appliances":"Show appliance runs","unit.kw":"{value} kW","unit.kwh":"{value} kWh"}};function at(i,t,e={}){return((rt[i]??rt[String(i).split("-")[0]]??rt.en)[t]??rt.en[t]??t).replace(/\{(\w+)\}/g,(o,r)=>r in e?String(e[r]):o)}var q="price_optimizer",x="price-optimizer-plan-card",lt={hours_ahead:36,show_forecast:!0,show_load:!0,show_appliances:!0},He=`${x}:connected`,Pe=`${x}:first-render`,Ne=130,Ue=22,Ot=36,he=64,b=44,K=8,de=8,De=400,Ie=15*6e4,Le=6e4;async function pe(i,t,e){return(await i.callWS({type:"call_service",domain:q,service:t,service_data:e,return_response:!0})).response}async function ue(i){return(await i.callWS({type:"config_entries/get",domain:q})).filter(e=>e.state==="loaded")}function ze(i,t){if(!i?.states)return"";let e=i.devices??{},s=[];for(let n of Object.values(i.entities??{})){if(n.platform!==q)continue;let o=e[n.device_id];if(t&&o&&!(o.config_entries??[]).includes(t))continue;let r=i.states[n.entity_id];r&&s.push(`${n.entity_id}=${r.last_updated}`)}return s.sort().join("|")}var k=class k extends v{static getConfigElement(){return document.createElement(`${x}-editor`)}static async getStubConfig(t){try{let[e]=await ue(t);return e?{config_entry:e.entry_id}:{}}catch{return{}}}constructor(){super(),this._width=600,this._now=Date.now(),this._signature=null,this._entryId=null}setConfig(t){if(!t||typeof t!="object")throw new Error("Invalid configuration");this._config={...lt,...t},this._signature=null,this._plan=void 0,this._forecast=void 0}getCardSize(){return 6}getGridOptions(){return{columns:12,min_columns:6,rows:"auto"}}connectedCallback(){super.connectedCallback(),k._connectedMarked||(k._connectedMarked=!0,globalThis.performance?.mark?.(He)),this._clock=setInterval(()=>{this._now=Date.now()},Le),this._poll=setInterval(()=>this._refresh(),Ie),this._resize=new ResizeObserver(t=>{let e=Math.round(t[0].contentRect.width)-16;e>0&&Math.abs(e-this._width)>=4&&(this._width=e)}),this._resize.observe(this)}disconnectedCallback(){super.disconnectedCallback(),clearInterval(this._clock),clearInterval(this._poll),clearTimeout(this._debounce),this._resize?.disconnect(),this._resize=null}_t(t,e){return at(O(this.hass),t,e)}updated(t){if(t.has("hass")&&this.hass&&this._config){let e=ze(this.hass,this._config.config_entry??this._entryId);if(e!==this._signature){let s=this._signature===null;this._signature=e,clearTimeout(this._debounce),s?this._refresh():this._debounce=setTimeout(()=>this._refresh(),De)}}this._plan&&!k._firstRenderMarked&&(k._firstRenderMarked=!0,globalThis.performance?.mark?.(Pe))}async _entry(){if(this._config.config_entry)return this._config.config_entry;if(!this._entryId){let[t]=await ue(this.hass);this._entryId=t?.entry_id??null}return this._entryId}async _refresh(){if(!(!this.hass||!this._config)){if(this._loading){this._again=!0;return}this._loading=!0,this._again=!1;try{let t=await this._entry();if(!t){this._error=this._t("no_entry");return}let[e,s]=await Promise.all([pe(this.hass,"get_plan",{config_entry:t}),pe(this.hass,"get_forecast",{config_entry:t,hours_ahead:this._config.hours_ahead,include_bands:!!this._config.show_forecast})]);this._plan=e,this._forecast=s,this._error=void 0,this._now=Date.now(),this._loadReasons()}catch(t){this._error=this._t("no_plan",{error:t?.message??String(t)})}finally{this._loading=!1,this._again&&this._refresh()}}}async _loadReasons(){if(!(this._reasons||!this.hass?.loadBackendTranslation))try{this._reasons=await this.hass.loadBackendTranslation("exceptions",q),this.requestUpdate()}catch{this._reasons=null}}_reason(t){if(!t)return"";let e=`component.${q}.exceptions.${t.code}.message`;return this._reasons?.(e,t.placeholders??{})||t.code}render(){if(!this._config)return p;let t=this._config.title??this._t("title"),e;return this._plan&&this._forecast?e=this._renderTimeline():this._error?e=g`<div class="message">${this._error}</div>`:e=g`<div class="message">${this._t("loading")}</div>`,g`<ha-card .header=${t||void 0}>
      <div class="timeline">${e}</div>
      ${this._renderDetails()}
    </ha-card>`}_renderTimeline(){let t=this._config,e=O(this.hass),s=Et(this.hass),n=Tt(this.hass),o=this._forecast.slots??[],r=t.show_forecast?o:o.filter(m=>m.origin!=="forecast"),c=this._forecast.currency??this._plan.currency,a=ee(o,this._now,t.hours_ahead),d=Math.max(this._width,280),l=Qt(a.start,a.end,b,d-K),h=t.show_appliances?oe(this._plan):[],_=t.show_load?ae(this._plan.plans):[],f=this._plan.household_limit_kw,$=de,E=de+Ne,U=te(r),J=Rt(U.min,U.max,$,E),Ht=E+Ue+4,X=Ht+h.length*Ot+(h.length?6:0),ht=t.show_load&&(_.length||typeof f=="number"),Q=X+(ht?he+8:0),dt=Math.max(..._.map(m=>m.kw),typeof f=="number"?f:0,1),D=Rt(0,dt*1.05,X+16,X+he),fe=le(a.start,a.end,Math.floor((d-b)/56),Ct(s,a.start)),pt=l(this._now),_e=this._now>=a.start&&this._now<=a.end,me=se(r),tt=u(this._forecast.known_until);return g`
      <svg
        class="chart"
        data-from=${new Date(a.start).toISOString()}
        data-to=${new Date(a.end).toISOString()}
        viewBox="0 0 ${d} ${Q}"
        width="100%"
        height=${Q}
        role="img"
        aria-label=${this._t("title")}
      >
        ${fe.map(m=>y`<line class="grid" x1=${l(m)} x2=${l(m)} y1=${$} y2=${Q-4}></line>
            <text class="tick${Mt(m,s)?" day":""}" x=${l(m)} y=${E+15} text-anchor="middle">${Mt(m,s)?Xt(m,n):ot(m,n)}</text>`)}
        <text class="axis" x=${b-4} y=${$+10} text-anchor="end">${H(U.max,e,2)}</text>
        <text class="axis" x=${b-4} y=${E} text-anchor="end">${H(U.min,e,2)}</text>
        <text class="axis unit" x=${b-4} y=${$+22} text-anchor="end">${c}/kWh</text>
        ${U.min<0?y`<line class="zero" x1=${b} x2=${d-K} y1=${J(0)} y2=${J(0)}></line>`:p}
        ${t.show_forecast?y`<path class="band" d=${ie(r,l,J)}></path>`:p}
        ${Number.isFinite(tt)&&t.show_forecast&&tt<a.end?y`<line class="known-until" x1=${l(tt)} x2=${l(tt)} y1=${$} y2=${E}></line>`:p}
        ${me.map(m=>y`<path class="price ${m.origin}" data-origin=${m.origin} d=${ne(m.slots,l,J)}></path>`)}
        ${h.map((m,$e)=>this._renderLane(m,Ht+$e*Ot,l,d,c,n))}
        ${ht?y`<g class="load-panel">
              <text class="lane-name" x=${b} y=${X+10}>${this._t("load")}</text>
              <text class="axis" x=${b-4} y=${D(dt)+4} text-anchor="end">${H(dt,e,1)} kW</text>
              <path class="load" d=${ce(_,l,D)}></path>
              ${typeof f=="number"?y`<line class="limit" x1=${b} x2=${d-K} y1=${D(f)} y2=${D(f)}></line>
                  <text class="limit-label" x=${d-K-2} y=${D(f)-3} text-anchor="end">${this._t("limit_value",{kw:H(f,e,1)})}</text>`:p}
            </g>`:p}
        ${_e?y`<line class="now" x1=${pt} x2=${pt} y1=${$} y2=${Q-4}></line>
            <text class="now-label" x=${pt+3} y=${$+10}>${this._t("now")}</text>`:p}
      </svg>
      ${this._renderLegend(ht,typeof f=="number")}
    `}_renderLane(t,e,s,n,o,r){let c=e+14,a=Ot-18,d=t.blocked.length&&!t.runs.length;return y`<g class="lane" data-appliance=${t.applianceId}>
      <text class="lane-name" x=${b} y=${e+10}>${t.name}${d?` · ${this._t("blocked")}`:t.runs.length?"":` · ${this._t("no_runs")}`}</text>
      <line class="lane-base" x1=${b} x2=${n-K} y1=${c+a/2} y2=${c+a/2}></line>
      ${t.blocked.map(l=>{let h=Math.max(u(l.window_start),s.start),_=Math.min(u(l.due),s.end);return _>h?y`<rect class="blocked" tabindex="0" role="button"
          x=${s(h)} y=${c} width=${Math.max(s(_)-s(h),2)} height=${a} rx="3"
          aria-label=${`${t.name}: ${this._reason(l.issue)}`}
          @click=${()=>this._select({lane:t,occurrence:l})}
          @keydown=${f=>this._key(f,{lane:t,occurrence:l})}></rect>`:p})}
      ${t.runs.map(l=>{let h=re(l,s);if(!h)return p;let _=G(l.cost,o,r.language),f=`${ot(u(l.start),r)}–${ot(u(l.end),r)}`,$=this._selected?.run===l;return y`<g class="run ${l.status}${$?" selected":""}" tabindex="0" role="button"
            data-start=${l.start} data-end=${l.end} data-cost=${l.cost??""}
            aria-label=${`${t.name} ${f}, ${_}`}
            @click=${()=>this._select({lane:t,run:l,occurrence:l.occurrence})}
            @keydown=${E=>this._key(E,{lane:t,run:l,occurrence:l.occurrence})}>
          <rect x=${h.x} y=${c} width=${h.width} height=${a} rx="3"></rect>
          ${h.width>46?y`<text class="run-label" x=${h.x+h.width/2} y=${c+a/2+4} text-anchor="middle">${_}</text>`:p}
        </g>`})}
    </g>`}_renderLegend(t,e){let s=this._config;return g`<div class="legend">
      <span><i class="swatch market"></i>${this._t("market")}</span>
      ${s.show_forecast?g`<span><i class="swatch forecast"></i>${this._t("forecast")}</span>
            <span><i class="swatch band"></i>${this._t("band")}</span>`:p}
      <span><i class="swatch now"></i>${this._t("now")}</span>
      ${t?g`<span><i class="swatch load"></i>${this._t("load")}</span>`:p}
      ${e?g`<span><i class="swatch limit"></i>${this._t("limit")}</span>`:p}
    </div>`}_key(t,e){(t.key==="Enter"||t.key===" ")&&(t.preventDefault(),this._select(e))}_select(t){let e=this._selected&&this._selected.run===t.run&&this._selected.occurrence===t.occurrence;this._selected=e?void 0:t}_renderDetails(){let t=this._selected;if(!t||!this._plan)return p;let e=O(this.hass),s=Tt(this.hass),n=this._plan.currency,{lane:o,run:r,occurrence:c}=t,a=[[this._t("status"),this._t(`status.${c.status}`)]];return r?a.push([this._t("start"),Z(u(r.start),s)],[this._t("end"),Z(u(r.end),s)],[this._t("cost"),G(r.cost,n,e,4)],[this._t("energy"),this._t("unit.kwh",{value:H(r.energy_kwh,e,2)})],[this._t("power"),this._t("unit.kw",{value:H(r.power_kw,e,2)})],[this._t("savings"),G(c.savings,n,e,4)],[this._t("baseline"),G(c.baseline_cost,n,e,4)]):a.push([this._t("window_start"),Z(u(c.window_start),s)],[this._t("due"),Z(u(c.due),s)]),c.issue&&a.push([this._t("reason"),this._reason(c.issue)]),g`<div class="details" role="dialog" aria-label=${o.name}>
      <div class="details-head">
        <strong>${o.name}</strong>
        <button class="close" @click=${()=>this._selected=void 0} aria-label=${this._t("close")}>✕</button>
      </div>
      <dl>
        ${a.map(([d,l])=>g`<dt>${d}</dt><dd>${l}</dd>`)}
      </dl>
    </div>`}};I(k,"properties",{hass:{attribute:!1},_config:{state:!0},_plan:{state:!0},_forecast:{state:!0},_error:{state:!0},_selected:{state:!0},_width:{state:!0},_now:{state:!0}}),I(k,"styles",ft`
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
  `);var ct=k;var Fe=[{name:"config_entry",selector:{config_entry:{integration:"price_optimizer"}}},{name:"title",selector:{text:{}}},{name:"hours_ahead",selector:{number:{min:1,max:48,step:1,mode:"box",unit_of_measurement:"h"}}},{name:"show_appliances",selector:{boolean:{}}},{name:"show_forecast",selector:{boolean:{}}},{name:"show_load",selector:{boolean:{}}}],Y=class extends v{setConfig(t){this._config=t}render(){return!this.hass||!this._config?p:g`<ha-form
      .hass=${this.hass}
      .data=${{...lt,...this._config}}
      .schema=${Fe}
      .computeLabel=${t=>at(O(this.hass),`editor.${t.name}`)}
      @value-changed=${this._changed}
    ></ha-form>`}_changed(t){t.stopPropagation();let e={...t.detail.value};for(let[s,n]of Object.entries(e))(n===""||n===void 0||n===lt[s])&&delete e[s];e.type=this._config.type??`custom:${x}`,this._config=e,this.dispatchEvent(new CustomEvent("config-changed",{detail:{config:e},bubbles:!0,composed:!0}))}};I(Y,"properties",{hass:{attribute:!1},_config:{state:!0}});customElements.get(x)||customElements.define(x,ct);customElements.get(`${x}-editor`)||customElements.define(`${x}-editor`,Y);window.customCards=window.customCards||[];window.customCards.some(i=>i.type===x)||window.customCards.push({type:x,name:"Price Optimizer plan",description:"Prices, the forecast with its band, and every planned run on one timeline.",preview:!1,documentationURL:"https://github.com/price-optimizer/price_optimizer#dashboard"});
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
